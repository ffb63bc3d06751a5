// Who may end a room (archive or delete it) and who may remove a member of a private room, decided
// in one place: moderators, when they come, are added here, and every route or command asks this.
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

/**
 * Whether `user` may end `memberId`'s membership of the private room `room`: its creator may, of
 * anyone else (their own ends with `leave`). Owners and moderators are to be added here.
 */
export function mayRemoveMember(user: User, room: Room, memberId: string): boolean {
  if (!room.private || memberId === user.id) return false;
  return room.createdBy !== undefined && room.createdBy === user.id;
}
