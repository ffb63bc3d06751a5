import Router from '@koa/router';
import type { Hub } from '../../chat/hub.js';
import { isModerator } from '../../identity/roles.js';
import { BIG_ROOM, LOBBY } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import type { AppState } from '../context.js';
import { renderWithMessages } from '../render.js';

/** How many DM conversations the page lists, most recent first. */
const MAX_CONVERSATIONS = 100;

/**
 * The chat page: name, the user's own rooms (others are found in the directory: the page must not
 * grow with the site), DM conversations and the latest lobby messages are in the HTML before any
 * script runs.
 */
export function chatRoutes({ store, hub, historyLimit, maxMessageLength }: { store: Store; hub: Hub; historyLimit: number; maxMessageLength: number }): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/', async (ctx) => {
    const user = ctx.state.user;
    if (!user) return ctx.redirect('/signin');
    ctx.set('Cache-Control', 'no-store');
    // The newest id first: the socket resumes after it, so whatever comes after it is never missed
    // (a message that also made it onto the page comes twice, and the page keeps it once).
    const lastId = await store.lastMessageId();
    // With the change number the page is complete up to: the socket asks for every change after it.
    const { messages, change } = await store.roomPage(LOBBY, { limit: historyLimit });
    const online = hub.usersIn(LOBBY);
    // A big room is shown by number with a search, as the page's socket (people=lazy) keeps it.
    const bigRoom = online.length > BIG_ROOM;
    // The user's rooms only, each with how many are in it now and who made it (who may end it).
    const rooms = (await store.joinedRooms(user.id)).map((room) => ({
      name: room.name,
      count: room.name === LOBBY ? online.length : hub.usersIn(room.name).length,
      createdBy: room.createdBy ?? '',
      private: room.private === true,
    }));
    // The same `_message.njk` macro as the page's <template>, each message's markup made once.
    renderWithMessages(ctx, 'chat.njk', {
      rooms,
      room: LOBBY,
      lastId,
      change,
      online: bigRoom ? [] : online,
      onlineCount: online.length,
      bigRoom,
      historyLimit,
      maxMessageLength,
      myRooms: rooms.map((room) => room.name),
      conversations: await store.conversationsOf(user.id, MAX_CONVERSATIONS),
      // The page shows moderators their controls; the server checks every action again.
      moderator: await isModerator(store, user),
    }, messages, user);
  });
  return router;
}
