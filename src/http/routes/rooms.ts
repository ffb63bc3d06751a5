// Rooms over HTTP: the contract's list (`GET /rooms`) and creation (`POST /rooms`, limited per user
// and per address), and the directory extension (`GET /rooms?q=&after=&limit=`), a page at a time.
import Router from '@koa/router';
import type { Hub } from '../../chat/hub.js';
import type { RoomCreationLimits } from '../../limits/roomCreation.js';
import {
  MAX_NAME_LENGTH,
  MAX_ROOM_DIRECTORY_PAGE,
  ROOM_DIRECTORY_PAGE,
  checkRoomName,
  codePointLength,
  nameKey,
} from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import { clientAddress } from '../../web/clientAddress.js';
import { requireUser } from '../auth.js';
import type { AppContext, AppState } from '../context.js';
import { fail, failWith } from '../language.js';

export interface RoomRoutesDeps {
  store: Store;
  hub: Hub;
  roomLimits: RoomCreationLimits;
  trustProxy: boolean;
}

/** The query parameters that make `GET /rooms` the directory instead of the contract's list. */
const DIRECTORY_PARAMS = ['q', 'after', 'limit'] as const;

/** One query parameter as a string ('' when absent); given twice, it is a bad request. */
function param(ctx: AppContext, key: string): string {
  const value = ctx.query[key] ?? '';
  if (typeof value !== 'string') fail(ctx, 400, 'error.badRequest');
  return value;
}

/** A page of the directory: open rooms whose name contains `q` (private ones only for their members), by name, each with how many are in it now. */
async function directory(ctx: AppContext, store: Store, hub: Hub) {
  const q = param(ctx, 'q').trim();
  const after = param(ctx, 'after');
  if (codePointLength(q) > MAX_NAME_LENGTH || codePointLength(after) > MAX_NAME_LENGTH) {
    fail(ctx, 400, 'rooms.badQuery', { max: MAX_NAME_LENGTH });
  }
  const rawLimit = param(ctx, 'limit');
  const limit = rawLimit === '' ? ROOM_DIRECTORY_PAGE : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROOM_DIRECTORY_PAGE) {
    fail(ctx, 400, 'rooms.badLimit', { max: MAX_ROOM_DIRECTORY_PAGE });
  }
  // One more than asked: whether there is a next page, without a count of every match.
  const found = await store.findRooms({ q, after, limit: limit + 1, viewer: ctx.state.user!.id });
  const rooms = found.slice(0, limit).map((room) => ({
    name: room.name,
    count: hub.usersIn(room.name).length,
    createdBy: room.createdBy ?? null,
    ...(room.private ? { private: true } : {}),
  }));
  return { rooms, next: found.length > limit ? (rooms.at(-1)?.name ?? null) : null };
}

/** `private` in a form or JSON body: absent or false is a public room; undefined for anything unreadable. */
function privateField(value: unknown): boolean | undefined {
  if (value === undefined || value === false || value === 'false' || value === '') return false;
  if (value === true || value === 'true' || value === 'on') return true;
  return undefined;
}

export function roomRoutes({ store, hub, roomLimits, trustProxy }: RoomRoutesDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/rooms', requireUser, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    // Bare, it is the contract's list: every open room with who is in it, from memory.
    ctx.body = DIRECTORY_PARAMS.some((key) => key in ctx.query) ? await directory(ctx, store, hub) : await hub.roomsWithUsers(ctx.state.user!.id);
  });

  router.post('/rooms', requireUser, async (ctx) => {
    const user = ctx.state.user!;
    // The same address the sign-in limit and the WebSocket caps count, read by the same function.
    const address = clientAddress(ctx.req, trustProxy);
    // Counted before anything else waits, so that requests at once cannot all get through; only
    // rooms made count, so a bad or taken name gives it back.
    const taken = await roomLimits.take(user.id, address);
    if (!taken.ok) {
      ctx.set('Retry-After', String(Math.ceil(taken.waitMs / 1000)));
      const minutes = Math.max(1, Math.ceil(taken.waitMs / 60_000));
      fail(ctx, 429, taken.by === 'user' ? 'rooms.tooManyByYou' : 'rooms.tooManyFromAddress', { minutes });
    }
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const isPrivate = privateField(body?.private);
    if (isPrivate === undefined) {
      taken.giveBack();
      return fail(ctx, 400, 'rooms.badPrivate');
    }
    const checked = checkRoomName(body?.name);
    if (!checked.ok) {
      taken.giveBack();
      return checked.problem === 'invisible' ? fail(ctx, 400, 'rooms.invisibleName') : fail(ctx, 400, 'rooms.badName', { max: MAX_NAME_LENGTH });
    }
    const { name } = checked;
    /** The room a name is taken by: the same name in any case, or one too like it (nameKey). */
    const existing = async () => (await store.findRoom(name)) ?? (await store.findRoomByKey(nameKey(name)));
    let room;
    try {
      room = (await existing()) ? undefined : await store.createRoom(name, Date.now(), user.id, isPrivate);
    } catch (error) {
      taken.giveBack();
      throw error;
    }
    if (!room) {
      taken.giveBack();
      // Named as it is, so that `dеv` refused says `dev`; a room being deleted holds its name until
      // purged. A private room's own spelling is for its members only.
      const holder = await existing();
      const visible = holder !== undefined && (!holder.private || (await store.isMember(user.id, holder.name)));
      // A room one may join is named in the answer too (`room`), so the page can offer to open it.
      const joinable = visible && holder.archivedAt === undefined ? { room: holder.name } : {};
      return failWith(ctx, 409, joinable, 'rooms.exists', { name: visible ? holder.name : name });
    }
    await hub.announceRoom('created', room.name, room.private ? [user.id] : undefined);
    ctx.status = 201;
    ctx.body = { name: room.name };
  });

  return router;
}
