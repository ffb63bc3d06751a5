import Router from '@koa/router';
import { MAX_SEARCH_LENGTH, SEARCH_LIMIT, codePointLength } from '../../shared/protocol/index.js';
import { SearchRefused, type SearchScope, type Store } from '../../store/store.js';
import { requireUser } from '../auth.js';
import type { AppState } from '../context.js';

/**
 * `GET /search?q=<text>[&room=<name>]`: the newest messages containing the text, among those the
 * user may see: the rooms they are a member of and their own DMs (or only the one room asked for).
 */
export function searchRoutes({ store }: { store: Store }): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/search', requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const { q, room: roomName } = ctx.query;
    const text = typeof q === 'string' ? q.trim() : '';
    const length = codePointLength(text);
    if (length < 1 || length > MAX_SEARCH_LENGTH) {
      return ctx.throw(400, `Search for 1 to ${MAX_SEARCH_LENGTH} characters`);
    }
    if (roomName !== undefined && typeof roomName !== 'string') return ctx.throw(400, 'Give at most one room');

    let scope: SearchScope;
    if (roomName) {
      const room = store.findRoom(roomName);
      if (!room) return ctx.throw(404, `There is no room "${roomName}"`);
      if (!store.isMember(user.id, room.name)) return ctx.throw(403, `Join "${room.name}" to search it`);
      scope = { rooms: [room.name] };
    } else {
      scope = { rooms: store.roomsOf(user.id), dmsOf: user.id };
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = await store.search(text, scope, SEARCH_LIMIT);
    } catch (error) {
      // Not run: the queue is full, it took too long, or the worker is restarting.
      if (error instanceof SearchRefused) ctx.throw(503, error.message);
      throw error;
    }
  });

  return router;
}
