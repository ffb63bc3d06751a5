import type { Next } from 'koa';
import type { Log } from '../log.js';
import { catalogue, interpolate, isKey, type Key } from '../shared/i18n/index.js';
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

/**
 * The one place thrown errors become responses: `{"code":1,"error"}` for JSON clients, an HTML
 * page otherwise, in the reader's language. Unexpected errors are logged and answered without
 * their details.
 */
export function errorResponses(log: Log) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) fail(ctx, 404, 'error.notFound');
    } catch (caught) {
      const error = caught as { status?: number; statusCode?: number; expose?: boolean; message?: string; i18n?: Localized };
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
        ctx.body = { code: 1, error: message };
      } else {
        render(ctx, 'error.njk', { status, message });
        ctx.status = status;
      }
    }
  };
}
