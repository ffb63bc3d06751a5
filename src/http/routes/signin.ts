import Router from '@koa/router';
import { freeGuestName } from '../../identity/guestNames.js';
import { describeUserAgent } from '../../identity/userAgent.js';
import { isReservedName } from '../../identity/accountActions.js';
import type { Hub } from '../../chat/hub.js';
import type { Identity } from '../../identity/identity.js';
import type { NameSignIns } from '../../identity/nameSignIn.js';
import { clientAddress } from '../../web/clientAddress.js';
import { fromAnotherSite } from '../../web/sameOrigin.js';
import type { SlidingWindow } from '../../limits/counters.js';
import type { Key, ParamArgs } from '../../shared/i18n/index.js';
import {
  checkUserName,
  CloseCode,
  CloseReason,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import { wantsJson, type AppContext, type AppState } from '../context.js';
import { bodyField, passwordField } from '../formFields.js';
import { requestLanguage, t } from '../language.js';
import { render } from '../render.js';

export interface SigninDeps {
  store: Store;
  trustProxy: boolean;
  allowedOrigins: readonly string[];
  identity: Identity;
  nameSignIns: NameSignIns;
  hub: Hub;
  signinLimiter: SlidingWindow;
}

const minutes = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 60_000));

/** The sign-in form: the name to show in it, and the error to show with it. */
function form(ctx: AppContext, name: string, error?: string): void {
  render(ctx, 'signin.njk', { name, maxName: MAX_NAME_LENGTH, minPassword: MIN_PASSWORD_LENGTH, maxPassword: MAX_PASSWORD_LENGTH, ...(error === undefined ? {} : { error }) });
}

export function signinRoutes({ store, identity, nameSignIns, hub, signinLimiter, trustProxy, allowedOrigins }: SigninDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/signin', async (ctx) => {
    form(ctx, await freeGuestName(requestLanguage(ctx), (name) => nameSignIns.isFree(name)));
  });

  router.post('/signin', async (ctx) => {
    const json = wantsJson(ctx);
    const raw = bodyField(ctx, 'name');
    /** A refusal: `{"code":1,"error"}`, or the form again with the error and the name typed (never the password). */
    const refuse = <K extends Key>(status: number, key: K, ...params: ParamArgs<K>): void => {
      const error = t(ctx, key, ...params);
      if (json) ctx.body = { code: 1, error };
      else form(ctx, typeof raw === 'string' ? raw : '', error);
      ctx.status = status;
    };
    // The same address the WebSocket caps count, read by the same function.
    const address = clientAddress(ctx.req, trustProxy);
    if (!(await signinLimiter.take(address)).ok) {
      ctx.set('Retry-After', String(Math.ceil(signinLimiter.windowMs / 1000)));
      return refuse(429, 'signin.tooMany');
    }
    // Blocked by a moderator for a while: nobody signs in from there until the block ends or is lifted.
    const blockedUntil = await store.moderation.blockedUntil(address, Date.now());
    if (blockedUntil !== undefined) {
      ctx.set('Retry-After', String(Math.ceil((blockedUntil - Date.now()) / 1000)));
      return refuse(403, 'signin.blocked', { minutes: minutes(blockedUntil - Date.now()) });
    }
    const checked = checkUserName(raw);
    if (!checked.ok) return checked.problem === 'invisible' ? refuse(400, 'signin.invisibleName') : refuse(400, 'signin.badName', { max: MAX_NAME_LENGTH });
    // The name deleted accounts show is nobody's (docs/protocol.md, "Your account").
    if (isReservedName(checked.name)) return refuse(409, 'account.name.reserved', { holder: checked.name });
    const password = passwordField(ctx);
    if (password === null) return refuse(400, 'signin.badPassword', { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });

    const current = ctx.state.user;
    const agent = describeUserAgent(ctx.get('user-agent'));
    const answer = await nameSignIns.signIn({ name: checked.name, password, current, address, ...(agent === undefined ? {} : { agent }) });
    if (!answer.ok) {
      switch (answer.refused) {
        case 'held':
          return refuse(409, 'signin.nameHeld', { holder: answer.holder });
        case 'removed':
          return refuse(403, 'signin.removed', { name: answer.holder });
        case 'passwordNeeded':
          return refuse(401, 'signin.passwordNeeded', { holder: answer.holder });
        case 'wrongPassword':
          return refuse(401, 'signin.wrongPassword', { holder: answer.holder });
        case 'guesses':
          ctx.set('Retry-After', String(Math.ceil(answer.waitMs / 1000)));
          return refuse(429, answer.by === 'name' ? 'signin.tooManyGuesses' : 'signin.tooManyGuessesFromAddress', { minutes: minutes(answer.waitMs) });
      }
    }
    // The user and the session are committed, with this turn's other sign-ins, before the cookies go out.
    identity.setCookies(ctx.req, ctx.res, answer.user, answer.sessionId, ctx.secure);
    // Someone else signed in before in this browser: that sign-in is replaced, so it ends (its name
    // is free again, if it was a guest's) and its sockets close as for a sign-out.
    if (current && current.id !== answer.user.id && ctx.state.sessionId) {
      await identity.endSession(ctx.state.sessionId);
      hub.disconnectUser(current.id, CloseCode.INVALID_USER, CloseReason.SIGNED_OUT, ctx.state.sessionId);
    }
    if (json) {
      ctx.body = { code: 0, data: answer.user };
    } else {
      ctx.redirect('/');
    }
  });

  /** Ends the session on the server, so a copied cookie stops working too, and closes its sockets. */
  const signOut = (everywhere: boolean) => async (ctx: AppContext) => {
    const ended = await identity.signOut(ctx.req, ctx.res, ctx.secure, everywhere);
    // The other tabs of this browser (or, everywhere, every device) lose their cookie too: close
    // their sockets so they notice.
    if (ended) {
      const session = everywhere ? undefined : ended.sessionId;
      hub.disconnectUser(ended.user.id, CloseCode.INVALID_USER, CloseReason.SIGNED_OUT, session);
    }
    ctx.redirect('/signin');
  };
  router.get('/signout', async (ctx) => {
    // HEAD changes nothing, and a link or an image on another site signs nobody out: the visitor
    // gets a button that POSTs the sign-out (guarded by the Origin check like every POST).
    if (ctx.method === 'HEAD' || (ctx.state.user && fromAnotherSite(ctx.req, allowedOrigins, trustProxy))) {
      render(ctx, 'signout.njk');
      return;
    }
    await signOut(false)(ctx);
  });
  router.post('/signout', signOut(false));
  // Only as a POST: a link or an image on another page must not be able to do this.
  router.post('/signout/everywhere', signOut(true));

  return router;
}
