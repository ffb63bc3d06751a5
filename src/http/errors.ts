import type { Next } from 'koa';
import type { Log } from '../log.js';
import { wantsJson, type AppContext } from './context.js';
import { render } from './render.js';

/**
 * The one place thrown errors become responses: `{"code":1,"error"}` for JSON clients, an HTML
 * page otherwise. Unexpected errors are logged and answered without their details.
 */
export function errorResponses(log: Log) {
  return async (ctx: AppContext, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) ctx.throw(404, 'Not found');
    } catch (caught) {
      const error = caught as { status?: number; statusCode?: number; expose?: boolean; message?: string };
      const status = error.status ?? error.statusCode ?? 500;
      const expose = status < 500 && error.expose !== false;
      const message = expose ? (error.message ?? 'Bad request') : 'Something went wrong on our side';
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
