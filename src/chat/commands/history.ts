import { existingUser, roomHere } from '../guards.js';
import type { Command } from './command.js';

/** `history`: an older page of a room this connection is in, or of the user's own DM conversation. */
export const history: Command<'history'> = async (chat, connection, request) => {
  await chat.limits.takeHistory(connection);
  const limit = request.limit ?? chat.historyLimit;
  const page = request.before === undefined ? { limit } : { limit, before: request.before };
  const echo = request.before === undefined ? {} : { before: request.before };
  if ('with' in request) {
    const other = await existingUser(chat.store, request.with);
    // The change number before the page: every change up to it is in the page.
    const change = await chat.store.lastChange();
    const data = await chat.store.dmHistory(connection.user.id, other.id, page);
    chat.send(connection, { type: 'history', with: other.id, data, ...echo, change });
    return;
  }
  const room = await roomHere(chat.store, connection, request.room);
  const change = await chat.store.lastChange();
  chat.send(connection, { type: 'history', room: room.name, data: await chat.store.roomHistory(room.name, page), ...echo, change });
};
