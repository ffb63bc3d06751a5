import type { Command } from './command.js';

/**
 * `ping`: `pong`, by way of the bus and after whatever this connection's earlier frames published
 * (once their writes are committed, in order), so it comes after all of it: an ordered reply.
 */
export const ping: Command<'ping'> = (chat, connection, { ref }) => {
  const message = ref === undefined ? { type: 'pong' as const } : { type: 'pong' as const, ref };
  chat.publishAfter(connection, Promise.resolve(), () => ({ kind: 'connection', userId: connection.user.id, connectionId: connection.id, message }));
};
