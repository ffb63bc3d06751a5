import type { Command } from './command.js';

/** `ping`: `pong`, queued after everything already due to this connection, so it orders the replies. */
export const ping: Command<'ping'> = (chat, connection, { ref }) => {
  chat.send(connection, ref === undefined ? { type: 'pong' } : { type: 'pong', ref });
};
