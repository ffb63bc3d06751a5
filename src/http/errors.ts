import type { Next } from 'koa';
import type { Log } from '../log.js';
import { catalogue, interpolate, isKey, type Key } from '../shared/i18n/index.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import { wantsJson, type AppContext } from './context.js';
import { fail, requestLanguage, type Localized } from './language.js';
import { render } from './render.js';

/** The reader-facing message for an error thrown by a library (body parser, router): by its status. */
function keyForStatus(status: number): Key {
  const keys: Record<number, Key> = {
    400: 'error.badRequest',
    401: 'error.signInFirst',
    403: 'error.forbidden',
    404: 'error.notFound',
    405: 'error.methodNotAllowed',
    413: 'error.tooLarge',
    415: 'error.unsupportedType',
    429: 'error.tooMany',
  };
  return keys[status] ?? (status >= 500 ? 'error.server' : 'error.badRequest');
}

/** Seconds a client is asked to wait while the store cannot be reached; the page reloads itself after as long. */
export const STORE_RETRY_AFTER_S = 5;

/**
 * The store cannot be reached (PostgreSQL away): 503 with Retry-After, `{"code":1,"error"}` for
 * JSON clients, and for a reader a page that says the chat will be back and tries again by itself.
 */
function storeUnavailable(ctx: AppContext): void {
  ctx.status = 503;
  ctx.set('Retry-After', String(STORE_RETRY_AFTER_S));
  ctx.set('Cache-Control', 'no-store');
  if (wantsJson(ctx)) {
    ctx.body = { code: 1, error: catalogue(requestLanguage(ctx))['error.storeUnavailable'] };
  } else {
    render(ctx, 'unavailable.njk', { retryAfter: STORE_RETRY_AFTER_S });
    ctx.status = 503;
  }
}

/**
 * The one place thrown errors become responses: `{"code":1,"error"}` for JSON clients, an HTML
 * page otherwise, in the reader's language. A store out of reach is a 503 of its own (above).
 * Unexpected errors are logged and answered without their details.
 */
export function errorResponses(log: Log) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) fail(ctx, 404, 'error.notFound');
    } catch (caught) {
      if (isStoreUnavailable(caught)) {
        log('store_unavailable', { method: ctx.method, path: ctx.path, error: String(caught) });
        return storeUnavailable(ctx);
      }
      const error = caught as { status?: number; statusCode?: number; expose?: boolean; message?: string; i18n?: Localized; more?: Record<string, unknown> };
      const status = error.status ?? error.statusCode ?? 500;
      // Our own errors name their catalogue string, written for the reader whatever the status (a
      // 503 says why); a library's is known by its status alone, and a 5xx of its says nothing more.
      const ours = error.i18n !== undefined && isKey(error.i18n.key);
      const expose = ours || (status < 500 && error.expose !== false);
      const localized: Localized = ours && error.i18n ? error.i18n : { key: keyForStatus(expose ? status : 500) };
      const message = interpolate(catalogue(requestLanguage(ctx))[localized.key], localized.params);
      if (status >= 500) log('http_error', { method: ctx.method, path: ctx.path, error: String(caught) });
      ctx.status = status;
      if (wantsJson(ctx)) {
        ctx.body = { code: 1, error: message, ...(ours && error.more) };
      } else {
        render(ctx, 'error.njk', { status, message });
        ctx.status = status;
      }
    }
  };
}
