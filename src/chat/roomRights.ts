// Who may end a room (archive or delete it), decided in one place: moderators, when they come,
// are added here, and every route or command that ends a room asks this.
import { foldName, LOBBY, type User } from '../shared/protocol/index.js';
import type { Room } from '../store/store.js';

/** Why `user` may not archive or delete `room`, or undefined when they may. */
export type EndRefusal = 'lobby' | 'not_creator';

export function mayNotEnd(user: User, room: Room): EndRefusal | undefined {
  // Everyone is always in the lobby: nobody can take it away from them.
  if (foldName(room.name) === foldName(LOBBY)) return 'lobby';
  // A room from before rooms kept their creator has none, and nobody may end it yet.
  if (room.createdBy === undefined || room.createdBy !== user.id) return 'not_creator';
  return undefined;
}
