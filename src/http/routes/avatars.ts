import Router from '@koa/router';
import { identiconSvg } from '../identicon.js';
import type { AppState } from '../context.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `/avatars/<user id>.svg`: the same picture for an id forever, so browsers may keep it a long time. */
export function avatarRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/avatars/:file', (ctx) => {
    const match = /^(.+)\.svg$/.exec(ctx.params.file ?? '');
    const id = match?.[1];
    if (!id || !ID.test(id)) return ctx.throw(404, 'Not found');
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.body = identiconSvg(id);
  });
  return router;
}
