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
    // With the change number it is complete up to: every change up to it is in the page.
    const { messages: data, change } = await chat.store.dmPage(connection.user.id, other.id, page);
    chat.send(connection, { type: 'history', with: other.id, data, ...echo, change });
    return;
  }
  const room = await roomHere(chat.store, connection, request.room);
  const { messages: data, change } = await chat.store.roomPage(room.name, page);
  chat.send(connection, { type: 'history', room: room.name, data, ...echo, change });
};
