import Router from '@koa/router';
import type { AppState } from '../context.js';

export function healthRoutes(accepting: () => boolean): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.state.api = true;
    ctx.status = accepting() ? 200 : 503;
    ctx.body = { status: accepting() ? 'ok' : 'stopping' };
  });
  return router;
}
