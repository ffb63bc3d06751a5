import Router from '@koa/router';
import type { Store } from '../../store/store.js';
import type { AppState } from '../context.js';

/**
 * `GET /healthz`: 200 `{"status":"ok"}` while this process takes work; 503 `{"status":"stopping"}`
 * once it is shutting down, and 503 `{"status":"unavailable"}` while it cannot reach its store
 * (asked of the store each time: PostgreSQL's answer is kept a second, SQLite's is always yes).
 */
export function healthRoutes(accepting: () => boolean, store: Pick<Store, 'reachable'>): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', async (ctx) => {
    ctx.state.api = true;
    ctx.set('Cache-Control', 'no-store');
    const status = !accepting() ? 'stopping' : (await store.reachable()) ? 'ok' : 'unavailable';
    ctx.status = status === 'ok' ? 200 : 503;
    ctx.body = { status };
  });
  return router;
}
