import Router from '@koa/router';
import type { Hub } from '../../chat/hub.js';
import { MAX_NAME_LENGTH, normalizeRoomName } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import { requireUser } from '../auth.js';
import type { AppState } from '../context.js';
import { fail } from '../language.js';

export function roomRoutes({ store, hub }: { store: Store; hub: Hub }): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/rooms', requireUser, (ctx) => {
    ctx.body = hub.roomsWithUsers();
  });

  router.post('/rooms', requireUser, (ctx) => {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const name = normalizeRoomName(body?.name);
    if (!name) return fail(ctx, 400, 'rooms.badName', { max: MAX_NAME_LENGTH });
    if (store.findRoom(name)) fail(ctx, 409, 'rooms.exists', { name });
    const room = store.createRoom(name, Date.now());
    if (!room) return fail(ctx, 409, 'rooms.exists', { name });
    hub.announceRoom(room.name);
    ctx.status = 201;
    ctx.body = { name: room.name };
  });

  return router;
}
