import type { Next } from 'koa';
import koaStatic from 'koa-static';
import { HASHED_CACHE_CONTROL, type Assets } from './assets.js';
import type { AppContext } from './context.js';
import { fail } from './language.js';

const PREFIX = '/static/';

/**
 * Serves the static folder under /static/ (nginx serves the same folder in production). koa-send
 * underneath refuses paths that climb out of the folder, and there are no directory listings. A
 * file asked for with its current version (`?v=`, see assets.ts) is kept by the browser for a year;
 * anything else for an hour.
 */
export function staticFiles(root: string, assets: Assets) {
  const serve = koaStatic(root, { index: false, hidden: false, maxage: 60 * 60 * 1000, defer: false });
  return async (ctx: AppContext, next: Next): Promise<void> => {
    if (!ctx.path.startsWith(PREFIX)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') fail(ctx, 405, 'error.readOnly');
    const original = ctx.path;
    ctx.path = ctx.path.slice(PREFIX.length - 1);
    try {
      await serve(ctx as never, async () => {});
    } finally {
      ctx.path = original;
    }
    if (ctx.body === undefined) fail(ctx, 404, 'error.notFound');
    if (assets.isCurrent(original.slice(PREFIX.length), ctx.query.v)) ctx.set('Cache-Control', HASHED_CACHE_CONTROL);
  };
}
