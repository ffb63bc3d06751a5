// `GET /account`, the account page, and its forms (docs/protocol.md, "Your account"): set or change
// the password, list and end sessions, change the display name, delete the account. Every form is
// a POST behind the same-origin check; an error shows the page again with it (never a password),
// a change redirects back with a note. Sockets of ended sessions close on every process at once.
import Router from '@koa/router';
import { AccountActions, type PasswordCheck } from '../../identity/accountActions.js';
import type { Identity } from '../../identity/identity.js';
import { clientAddress } from '../../web/clientAddress.js';
import type { Hub } from '../../chat/hub.js';
import { closeSessions, endSessionEverywhere, endUserEverywhere } from '../../chat/sessionEnds.js';
import type { PasswordGuesses } from '../../limits/passwordGuesses.js';
import type { Key, ParamArgs } from '../../shared/i18n/index.js';
import { checkUserName, CloseCode, CloseReason, MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type User } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import type { AppContext, AppState } from '../context.js';
import { bodyField, passwordField } from '../formFields.js';
import { fail, t } from '../language.js';
import { render } from '../render.js';

export interface AccountDeps {
  store: Store;
  hub: Hub;
  identity: Identity;
  passwordGuesses: PasswordGuesses;
  sessionMaxAgeMs: number;
  trustProxy: boolean;
}

/** The notes a change redirects back with (`?done=`): only these, so a link cannot make the page say anything else. */
const DONE = {
  password: 'account.password.done',
  ended: 'account.sessions.ended',
  endedOthers: 'account.sessions.endedOthers',
  name: 'account.name.done',
} as const satisfies Record<string, Key>;

const minutes = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 60_000));
const when = (ts: number) => `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function accountRoutes({ store, hub, identity, passwordGuesses, sessionMaxAgeMs, trustProxy }: AccountDeps): Router<AppState> {
  const router = new Router<AppState>();
  const actions = new AccountActions(store, passwordGuesses, sessionMaxAgeMs);

  /** The page, with a note or an error (and its status), as the signed-in user. */
  const page = async (ctx: AppContext, user: User, extra: { error?: string; done?: string } = {}): Promise<void> => {
    ctx.set('Cache-Control', 'no-store');
    const sessions = (await actions.sessions(user.id, ctx.state.sessionId)).map((session) => ({ ...session, when: when(session.createdAt) }));
    render(ctx, 'account.njk', {
      me: user,
      claimed: await actions.hasPassword(user.id),
      sessions,
      maxName: MAX_NAME_LENGTH,
      minPassword: MIN_PASSWORD_LENGTH,
      maxPassword: MAX_PASSWORD_LENGTH,
      ...extra,
    });
  };

  /** The page again with the error, under the status; `form` says which form it belongs to. */
  const refuse = async <K extends Key>(ctx: AppContext, user: User, status: number, key: K, ...params: ParamArgs<K>): Promise<void> => {
    await page(ctx, user, { error: t(ctx, key, ...params) });
    ctx.status = status;
  };

  /** A refused password check, as the page says it (with Retry-After for too many guesses). */
  const refusePassword = (ctx: AppContext, user: User, check: Exclude<PasswordCheck, { ok: true }>): Promise<void> => {
    if (check.refused === 'guesses') {
      ctx.set('Retry-After', String(Math.ceil(check.waitMs / 1000)));
      return refuse(ctx, user, 429, check.by === 'name' ? 'signin.tooManyGuesses' : 'signin.tooManyGuessesFromAddress', { minutes: minutes(check.waitMs) });
    }
    return refuse(ctx, user, 401, check.refused === 'currentNeeded' ? 'account.password.currentNeeded' : 'account.password.wrong');
  };

  /** Signed out: GET goes to the sign-in page, a form post is refused. */
  const signedIn = (ctx: AppContext): User | undefined => {
    const user = ctx.state.user;
    if (user) return user;
    if (ctx.method === 'GET' || ctx.method === 'HEAD') ctx.redirect('/signin');
    else fail(ctx, 401, 'error.signInFirst');
    return undefined;
  };

  router.get('/account', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    const done = typeof ctx.query.done === 'string' && Object.hasOwn(DONE, ctx.query.done) ? DONE[ctx.query.done as keyof typeof DONE] : undefined;
    await page(ctx, user, done === undefined ? {} : { done: t(ctx, done, { name: user.name }) });
  });

  router.post('/account/password', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    const next = passwordField(ctx, 'password');
    if (next === undefined || next === null) return refuse(ctx, user, 400, 'signin.badPassword', { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });
    const current = bodyField(ctx, 'current');
    const check = await actions.checkPassword(user, typeof current === 'string' && current !== '' ? current : undefined, clientAddress(ctx.req, trustProxy));
    if (!check.ok) return refusePassword(ctx, user, check);
    const others = (await store.sessionsOf(user.id, 0)).map((session) => session.id).filter((id) => id !== ctx.state.sessionId);
    await actions.setPassword(user.id, next, ctx.state.sessionId);
    closeSessions(hub, user.id, others);
    ctx.redirect('/account?done=password');
  });

  router.post('/account/sessions/end', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    const handle = bodyField(ctx, 'session');
    const sessionId = typeof handle === 'string' ? await actions.sessionByHandle(user.id, handle) : undefined;
    if (sessionId === undefined) return refuse(ctx, user, 404, 'account.sessions.gone');
    await endSessionEverywhere(store, hub, user.id, sessionId);
    // This browser's own: signed out here, as with the sign-out button.
    if (sessionId === ctx.state.sessionId) {
      await identity.signOut(ctx.req, ctx.res, ctx.secure);
      return ctx.redirect('/signin');
    }
    ctx.redirect('/account?done=ended');
  });

  router.post('/account/sessions/end-others', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    const others = (await store.sessionsOf(user.id, 0)).map((session) => session.id).filter((id) => id !== ctx.state.sessionId);
    for (const sessionId of others) await endSessionEverywhere(store, hub, user.id, sessionId);
    ctx.redirect('/account?done=endedOthers');
  });

  router.post('/account/name', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    const checked = checkUserName(bodyField(ctx, 'name'));
    if (!checked.ok) return checked.problem === 'invisible' ? refuse(ctx, user, 400, 'signin.invisibleName') : refuse(ctx, user, 400, 'signin.badName', { max: MAX_NAME_LENGTH });
    const answer = await actions.rename(user, checked.name);
    if (!answer.ok) {
      const key = answer.refused === 'held' ? 'signin.nameHeld' : answer.refused === 'claimed' ? 'account.name.claimed' : 'account.name.reserved';
      return refuse(ctx, user, 409, key, { holder: answer.holder });
    }
    // This browser's cookie names the user as they are now; every socket of theirs, here and on
    // every device, reconnects and resumes, so that what they send from now on carries the new name.
    if (ctx.state.sessionId) identity.setCookies(ctx.req, ctx.res, answer.user, ctx.state.sessionId, ctx.secure);
    hub.disconnectUser(user.id, CloseCode.SERVICE_RESTART, CloseReason.RESUME);
    ctx.redirect('/account?done=name');
  });

  router.post('/account/delete', async (ctx) => {
    const user = signedIn(ctx);
    if (!user) return;
    if (await actions.hasPassword(user.id)) {
      const given = bodyField(ctx, 'password');
      const check = await actions.checkPassword(user, typeof given === 'string' && given !== '' ? given : undefined, clientAddress(ctx.req, trustProxy));
      if (!check.ok) return refusePassword(ctx, user, check);
    } else {
      // A guest has no password to prove it is them: they type their name instead.
      const typed = bodyField(ctx, 'confirm');
      if (typeof typed !== 'string' || typed.normalize('NFC').trim() !== user.name) return refuse(ctx, user, 400, 'account.delete.confirmNeeded');
    }
    await actions.deleteAccount(user.id);
    // The store ended every session; their sockets close everywhere, and this browser's cookies go.
    await endUserEverywhere(store, hub, user.id);
    await identity.signOut(ctx.req, ctx.res, ctx.secure);
    ctx.redirect('/signin');
  });

  return router;
}
