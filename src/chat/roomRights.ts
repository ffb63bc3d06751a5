// Who may end a room (archive or delete it) and who may remove a member of a private room, decided
// in one place: its creator, and owners and moderators (identity/roles.ts); every route or command asks this.
import { foldName, LOBBY, type User } from '../shared/protocol/index.js';
import type { Room } from '../store/store.js';

/** Why `user` may not archive or delete `room`, or undefined when they may. */
export type EndRefusal = 'lobby' | 'not_creator';

/** `moderator`: the user is an owner or a moderator (isModerator), who may end any room but the lobby. */
export function mayNotEnd(user: User, room: Room, moderator = false): EndRefusal | undefined {
  // Everyone is always in the lobby: nobody can take it away from them.
  if (foldName(room.name) === foldName(LOBBY)) return 'lobby';
  if (moderator) return undefined;
  // A room from before rooms kept their creator has none, and only a moderator may end it.
  if (room.createdBy === undefined || room.createdBy !== user.id) return 'not_creator';
  return undefined;
}

/**
 * Whether `user` may end `memberId`'s membership of the private room `room`: its creator may, and
 * owners and moderators (`moderator`), of anyone else (their own ends with `leave`). A private room
 * is private from moderators too: they act in those they are members of (the caller sees to that).
 */
export function mayRemoveMember(user: User, room: Room, memberId: string, moderator = false): boolean {
  if (!room.private || memberId === user.id) return false;
  return moderator || (room.createdBy !== undefined && room.createdBy === user.id);
}
