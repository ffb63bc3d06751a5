import type { Next } from 'koa';
import koaStatic from 'koa-static';
import type { AppContext } from './context.js';

const PREFIX = '/static/';

/**
 * Serves the static folder under /static/ (nginx serves the same folder in production). koa-send
 * underneath refuses paths that climb out of the folder, and there are no directory listings.
 */
export function staticFiles(root: string) {
  const serve = koaStatic(root, { index: false, hidden: false, maxage: 60 * 60 * 1000, defer: false });
  return async (ctx: AppContext, next: Next): Promise<void> => {
    if (!ctx.path.startsWith(PREFIX)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') ctx.throw(405, 'Static files are read-only');
    const original = ctx.path;
    ctx.path = ctx.path.slice(PREFIX.length - 1);
    try {
      await serve(ctx as never, async () => {});
    } finally {
      ctx.path = original;
    }
    if (ctx.body === undefined) ctx.throw(404, 'Not found');
  };
}
