import Router from '@koa/router';
import type { Counters } from '../../limits/counters.js';
import { MAX_SEARCH_LENGTH, SEARCH_LIMIT, codePointLength } from '../../shared/protocol/index.js';
import { SearchRefused, type SearchScope, type Store } from '../../store/store.js';
import { requireUser } from '../auth.js';
import type { AppContext, AppState } from '../context.js';
import { fail } from '../language.js';

const MINUTE_MS = 60_000;
/** Searches of one user running or waiting at once; one more is refused (a user's share of the queue). */
const SEARCHES_AT_ONCE = 2;
/** Seconds to wait before trying again when the search queue is full or the worker is restarting. */
const BUSY_RETRY_S = 1;
/** C0, DEL and C1 controls: never in a message typed into the page, and NUL ends SQLite's strings. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** Answers a search the store would not run: 503, and when to try again unless it took too long. */
function refused(ctx: AppContext, error: SearchRefused): never {
  if (error.reason === 'timeout') fail(ctx, 503, 'search.tooSlow');
  ctx.set('Retry-After', String(BUSY_RETRY_S));
  return fail(ctx, 503, error.reason === 'busy' ? 'search.busy' : 'search.unavailable');
}

/**
 * `GET /search?q=<text>[&room=<name>]`: the newest messages containing the text, among those the
 * user may see: the rooms they are a member of and their own DMs (or only the one room asked for).
 * Limited per user (`searchRateLimit` a minute, SEARCHES_AT_ONCE at a time); run by the store off
 * the event loop, under a time budget.
 */
export function searchRoutes({ store, searchRateLimit, counters }: { store: Store; searchRateLimit: number; counters: Counters }): Router<AppState> {
  const router = new Router<AppState>();
  const limiter = counters.window('search', searchRateLimit, MINUTE_MS);
  /** Searches of each user running or waiting here: a share of this process's queue, so counted here. */
  const running = new Map<string, number>();

  router.get('/search', requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const { q, room: roomName } = ctx.query;
    const text = typeof q === 'string' ? q.trim() : '';
    if (CONTROL.test(text) || (typeof roomName === 'string' && CONTROL.test(roomName))) fail(ctx, 400, 'search.control');
    const length = codePointLength(text);
    if (length < 1 || length > MAX_SEARCH_LENGTH) fail(ctx, 400, 'search.length', { max: MAX_SEARCH_LENGTH });
    if (roomName !== undefined && typeof roomName !== 'string') fail(ctx, 400, 'search.oneRoom');

    let scope: SearchScope;
    if (roomName) {
      const room = await store.findRoom(roomName);
      // A private room is no room to whoever is not in it: the same 404 as for none.
      if (!room || (room.private && !(await store.isMember(user.id, room.name)))) return fail(ctx, 404, 'search.noRoom', { room: roomName });
      if (!(await store.isMember(user.id, room.name))) return fail(ctx, 403, 'search.notMember', { room: room.name });
      scope = { rooms: [room.name] };
    } else {
      scope = { rooms: await store.roomsOf(user.id), dmsOf: user.id };
    }

    const atOnce = running.get(user.id) ?? 0;
    if (atOnce >= SEARCHES_AT_ONCE) {
      ctx.set('Retry-After', String(BUSY_RETRY_S));
      fail(ctx, 429, 'search.stillRunning');
    }
    // Running from here on, so that another request of the user's, meanwhile, sees this one.
    running.set(user.id, atOnce + 1);
    try {
      if (!(await limiter.take(user.id)).ok) {
        ctx.set('Retry-After', String(MINUTE_MS / 1000));
        fail(ctx, 429, 'search.tooMany', { max: searchRateLimit });
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await store.search(text, scope, SEARCH_LIMIT);
    } catch (error) {
      if (error instanceof SearchRefused) refused(ctx, error);
      throw error;
    } finally {
      const left = (running.get(user.id) ?? 1) - 1;
      if (left > 0) running.set(user.id, left);
      else running.delete(user.id);
    }
  });

  return router;
}
