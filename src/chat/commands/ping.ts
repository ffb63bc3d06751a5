import type { Command } from './command.js';

/**
 * `ping`: `pong`, by way of the bus like everything this connection's earlier messages published
 * (after the tick's commit, in order), so it comes after all of it: an ordered reply.
 */
export const ping: Command<'ping'> = (chat, connection, { ref }) => {
  const message = ref === undefined ? { type: 'pong' as const } : { type: 'pong' as const, ref };
  chat.publish({ kind: 'connection', userId: connection.user.id, connectionId: connection.id, message });
};
