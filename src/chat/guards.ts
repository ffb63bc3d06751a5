// The checks most commands begin with, written once: the room or the person a message names, and
// whether the sender may act there. Each throws the error to answer with.
import { nameKey, type User } from '../shared/protocol/index.js';
import type { Room, Store } from '../store/store.js';
import type { Connection } from './connection.js';
import { refuse } from './errors.js';

/**
 * The room under any spelling (its own spelling returned) as `userId` may know it, or `no_such_room`;
 * `archived` for a room that is closed. A private room of which they are not a member is
 * `no_such_room` too, in the same words, before anything else: its existence is not told.
 */
export async function existingRoom(store: Store, userId: string, name: string): Promise<Room> {
  const room = await store.findRoom(name);
  if (!room || (room.private && !(await store.isMember(userId, room.name)))) refuse('no_such_room', 'wsError.no_such_room.named', { room: name });
  if (room.archivedAt !== undefined) refuse('archived', 'wsError.archived.named', { room: room.name });
  return room;
}

/** A room this connection is in now (by its own spelling), or `no_such_room` / `not_in_room`. */
export async function roomHere(store: Store, connection: Connection, name: string): Promise<Pick<Room, 'name'>> {
  // In it under this very spelling: it exists and is open (archiving or deleting a room takes
  // everyone out of it), so the store need not be asked; a burst of chats then stays in one commit.
  if (connection.rooms.has(name)) return { name };
  const room = await existingRoom(store, connection.user.id, name);
  if (!connection.rooms.has(room.name)) refuse('not_in_room', 'wsError.not_in_room.named', { room: room.name });
  return room;
}

/** A room the user belongs to for good, on any device (read markers are about membership, not presence). */
export async function memberRoom(store: Store, userId: string, name: string): Promise<Room> {
  const room = await existingRoom(store, userId, name);
  if (!(await store.isMember(userId, room.name))) refuse('not_in_room', 'wsError.not_in_room.named', { room: room.name });
  return room;
}

/** The user who holds a name now (any spelling of it), as the protocol shows one, or `no_such_user`. */
export async function userNamed(store: Store, name: string): Promise<User> {
  // A holder signed in or not: a guest's name is theirs until someone else takes it.
  const holder = (await store.nameHolder(nameKey(name), 0)) ?? refuse('no_such_user', 'wsError.no_such_user.named', { name: name.slice(0, 40) });
  return { id: holder.user.id, name: holder.user.name, image: holder.user.image };
}

/** A user by id, as the protocol shows one, or `no_such_user`. */
export async function existingUser(store: Store, id: string): Promise<User> {
  const user = (await store.getUser(id)) ?? refuse('no_such_user', 'wsError.no_such_user');
  // A deleted account is no one to write to (docs/protocol.md, "Your account").
  if (user.deleted) refuse('no_such_user', 'wsError.no_such_user');
  return { id: user.id, name: user.name, image: user.image };
}
