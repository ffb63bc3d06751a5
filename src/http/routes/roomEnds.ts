// Ending a room over HTTP: `POST /rooms/:name/archive` and `DELETE /rooms/:name`, by whoever
// `mayNotEnd` allows (its creator, an owner or a moderator). The change is committed before anyone is told of it.
import Router from '@koa/router';
import type { Hub } from '../../chat/hub.js';
import { mayNotEnd } from '../../chat/roomRights.js';
import { isModerator } from '../../identity/roles.js';
import type { Room, Store } from '../../store/store.js';
import { requireUser } from '../auth.js';
import type { AppContext, AppState } from '../context.js';
import { fail } from '../language.js';

/** The room the path names, if this user may end it: 404 when there is none (or it is private and not theirs), 403 when they may not. */
async function roomToEnd(ctx: AppContext, store: Store): Promise<Room> {
  const name = ctx.params.name ?? '';
  const found = await store.findRoom(name);
  const room = found && (!found.private || (await store.isMember(ctx.state.user!.id, found.name))) ? found : fail(ctx, 404, 'rooms.notFound', { name });
  const user = ctx.state.user!;
  let refusal = mayNotEnd(user, room);
  // The role is read only when the creator rule would refuse.
  if (refusal === 'not_creator') refusal = mayNotEnd(user, room, await isModerator(store, user));
  if (refusal === 'lobby') fail(ctx, 403, 'rooms.lobbyForever');
  if (refusal === 'not_creator') fail(ctx, 403, 'rooms.notCreator', { name: room.name });
  return room;
}

export function roomEndRoutes({ store, hub }: { store: Store; hub: Hub }): Router<AppState> {
  const router = new Router<AppState>();

  router.post('/rooms/:name/archive', requireUser, async (ctx) => {
    const room = await roomToEnd(ctx, store);
    if (room.archivedAt !== undefined) fail(ctx, 409, 'rooms.alreadyArchived', { name: room.name });
    const archivedAt = Date.now();
    await store.archiveRoom(room.name, archivedAt);
    await hub.announceRoom('archived', room.name, room.private ? await store.membersOf(room.name) : undefined);
    ctx.body = { name: room.name, archivedAt };
  });

  router.delete('/rooms/:name', requireUser, async (ctx) => {
    const room = await roomToEnd(ctx, store);
    // Read before: deleting the room takes its memberships with it.
    const members = room.private ? await store.membersOf(room.name) : undefined;
    await store.deleteRoom(room.name, Date.now());
    // A new room of the same name must not start locked.
    if (hub.locks.has(room.name) && (await store.moderation.unlock(room.name))) hub.publish({ kind: 'roomLock', room: room.name, locked: false });
    await hub.announceRoom('deleted', room.name, members);
    ctx.status = 204;
  });

  return router;
}
