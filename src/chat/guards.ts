// The checks most commands begin with, written once: the room or the person a message names, and
// whether the sender may act there. Each throws the error to answer with.
import type { User } from '../shared/protocol/index.js';
import type { Room, Store } from '../store/store.js';
import type { Connection } from './connection.js';
import { refuse } from './errors.js';

/** The room under any spelling (its own spelling returned), or `no_such_room`; `archived` for a room that is closed. */
export async function existingRoom(store: Store, name: string): Promise<Room> {
  const room = (await store.findRoom(name)) ?? refuse('no_such_room', 'wsError.no_such_room.named', { room: name });
  if (room.archivedAt !== undefined) refuse('archived', 'wsError.archived.named', { room: room.name });
  return room;
}

/** A room this connection is in now (by its own spelling), or `no_such_room` / `not_in_room`. */
export async function roomHere(store: Store, connection: Connection, name: string): Promise<Pick<Room, 'name'>> {
  // In it under this very spelling: it exists and is open (archiving or deleting a room takes
  // everyone out of it), so the store need not be asked; a burst of chats then stays in one commit.
  if (connection.rooms.has(name)) return { name };
  const room = await existingRoom(store, name);
  if (!connection.rooms.has(room.name)) refuse('not_in_room', 'wsError.not_in_room.named', { room: room.name });
  return room;
}

/** A room the user belongs to for good, on any device (read markers are about membership, not presence). */
export async function memberRoom(store: Store, userId: string, name: string): Promise<Room> {
  const room = await existingRoom(store, name);
  if (!(await store.isMember(userId, room.name))) refuse('not_in_room', 'wsError.not_in_room.named', { room: room.name });
  return room;
}

/** A user by id, as the protocol shows one, or `no_such_user`. */
export async function existingUser(store: Store, id: string): Promise<User> {
  const user = (await store.getUser(id)) ?? refuse('no_such_user', 'wsError.no_such_user');
  // A deleted account is no one to write to (docs/protocol.md, "Your account").
  if (user.deleted) refuse('no_such_user', 'wsError.no_such_user');
  return { id: user.id, name: user.name, image: user.image };
}
