import type { Next } from 'koa';
import type { Identity } from '../identity/identity.js';
import { isAllowedOrigin } from '../web/sameOrigin.js';
import type { AppContext } from './context.js';
import { fail } from './language.js';

/** Reads the identity cookie once per request, through the same function the WebSocket uses. */
export function currentUser(identity: Identity) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    const identified = await identity.identify(ctx.req);
    ctx.state.user = identified?.user ?? null;
    if (identified?.sessionId) ctx.state.sessionId = identified.sessionId;
    await next();
  };
}

/** Refuses state-changing requests sent by another site's page (a second line behind SameSite). */
export function sameOriginWrites(allowedOrigins: readonly string[], trustProxy: boolean) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !isAllowedOrigin(ctx.req, allowedOrigins, trustProxy)) {
      fail(ctx, 403, 'error.otherSite');
    }
    await next();
  };
}

/** For API routes: 401 without a signed-in user. */
export async function requireUser(ctx: AppContext, next: Next): Promise<void> {
  ctx.state.api = true;
  if (!ctx.state.user) fail(ctx, 401, 'error.signInFirst');
  await next();
}
