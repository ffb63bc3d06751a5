// Sign-outs the bus could not carry: while it was away, a session ended on another process left
// its sockets here open. Once the bus is back, each session with a socket here is looked up again,
// and those that ended are closed as a sign-out would have closed them.
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import type { Connection } from './connection.js';

/** How many sessions are looked up at once: a few, so a big process does not flood the store. */
const AT_ONCE = 8;

export async function closeEndedSessions(store: Store, connections: Iterable<Connection>): Promise<number> {
  const bySession = new Map<string, Connection[]>();
  for (const connection of connections) {
    if (connection.sessionId === undefined) continue;
    const list = bySession.get(connection.sessionId);
    if (list) list.push(connection);
    else bySession.set(connection.sessionId, [connection]);
  }
  const sessions = [...bySession.keys()];
  let closed = 0;
  for (let i = 0; i < sessions.length; i += AT_ONCE) {
    const found = await Promise.all(sessions.slice(i, i + AT_ONCE).map((id) => store.getSession(id)));
    found.forEach((session, j) => {
      if (session && session.endedAt === undefined) return;
      for (const connection of bySession.get(sessions[i + j]!)!) {
        connection.peer.close(CloseCode.INVALID_USER, CloseReason.SIGNED_OUT);
        closed++;
      }
    });
  }
  return closed;
}
