import Router from '@koa/router';
import { randomGuestName } from '../../identity/guestNames.js';
import type { Hub } from '../../chat/hub.js';
import type { Identity } from '../../identity/identity.js';
import { clientAddress } from '../../web/clientAddress.js';
import { fromAnotherSite } from '../../web/sameOrigin.js';
import type { SlidingWindow } from '../../limits/counters.js';
import { CloseCode, CloseReason, MAX_NAME_LENGTH, normalizeUserName } from '../../shared/protocol/index.js';
import { newUser } from '../../identity/users.js';
import { wantsJson, type AppContext, type AppState } from '../context.js';
import { fail, requestLanguage, t } from '../language.js';
import { render } from '../render.js';

export interface SigninDeps {
  trustProxy: boolean;
  allowedOrigins: readonly string[];
  identity: Identity;
  hub: Hub;
  signinLimiter: SlidingWindow;
}

function bodyField(ctx: AppContext, key: string): unknown {
  const body = ctx.request.body as unknown;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

export function signinRoutes({ identity, hub, signinLimiter, trustProxy, allowedOrigins }: SigninDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/signin', (ctx) => {
    render(ctx, 'signin.njk', { name: randomGuestName(requestLanguage(ctx)) });
  });

  router.post('/signin', async (ctx) => {
    const json = wantsJson(ctx);
    // The same address the WebSocket caps count, read by the same function.
    if (!(await signinLimiter.take(clientAddress(ctx.req, trustProxy))).ok) {
      ctx.set('Retry-After', String(Math.ceil(signinLimiter.windowMs / 1000)));
      fail(ctx, 429, 'signin.tooMany');
    }
    const raw = bodyField(ctx, 'name');
    const name = normalizeUserName(raw);
    if (!name) {
      const error = t(ctx, 'signin.badName', { max: MAX_NAME_LENGTH });
      ctx.status = 400;
      if (json) ctx.body = { code: 1, error };
      else render(ctx, 'signin.njk', { name: typeof raw === 'string' ? raw : '', error });
      ctx.status = 400;
      return;
    }
    const user = newUser(name);
    // The user and the session are committed, with this turn's other sign-ins, before the cookies go out.
    await identity.signIn(ctx.req, ctx.res, user, ctx.secure);
    if (json) {
      ctx.body = { code: 0, data: user };
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
