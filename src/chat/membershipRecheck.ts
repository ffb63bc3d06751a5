// Removals and leavings the bus could not carry: while it was away, a membership of a private room
// ended on another process left this one's sockets of that user in the room. Once the bus is back,
// each private room with a socket here has its members looked up again, and the others taken out.
import type { Store } from '../store/store.js';
import type { Connection } from './connection.js';
import { leftMessage, type Rooms } from './rooms.js';
import { jsonFrame } from '../transport/frame.js';
import { LOBBY } from '../shared/protocol/index.js';

/** Takes connections out of the private rooms their user is no longer a member of; how many it took out. */
export async function evictFormerMembers(store: Store, connections: Iterable<Connection>, rooms: Rooms): Promise<number> {
  const byRoom = new Map<string, Connection[]>();
  for (const connection of connections) {
    for (const room of connection.rooms) {
      if (room === LOBBY) continue;
      const list = byRoom.get(room);
      if (list) list.push(connection);
      else byRoom.set(room, [connection]);
    }
  }
  let evicted = 0;
  for (const [room, here] of byRoom) {
    const found = await store.findRoom(room);
    if (!found?.private) continue;
    const members = new Set(await store.membersOf(room));
    for (const connection of here) {
      if (members.has(connection.user.id) || !connection.rooms.has(room)) continue;
      if (!rooms.leave(connection, room)) connection.send(jsonFrame(leftMessage(room, connection.user)));
      evicted++;
    }
  }
  return evicted;
}
