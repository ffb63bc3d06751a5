// Rooms and who belongs to them: making and finding rooms (by `foldName`, so in any case; a new
// name also unique by its nameKey, so no two rooms look alike), the
// directory, archiving and deleting, the room list kept in memory until a room is made or ends or
// a commit fails (`forget()`), and memberships, a new one starting its member's read marker at the
// room's newest message.
import type Database from 'better-sqlite3';
import { conversationKey, foldName, LOBBY, nameKey } from '../../shared/protocol/index.js';
import { OPEN_ROOM as OPEN, ROOM_COLUMNS as COLUMNS, toRoom, type RoomRow } from '../rows.js';
import type { Room, RoomQuery } from '../store.js';
import type { Messages } from './messages.js';
import type { Reads } from './reads.js';
import type { RoomPurge } from './roomPurge.js';

export class Rooms {
  private readonly statements;
  private readonly transactions;
  /** The open rooms, as last read; cleared by whatever changes it. */
  private list: Readonly<Room>[] | undefined;
  /** The lobby as read once: it is never archived, deleted or changed (every UPDATE spares it). */
  private lobby: Readonly<Room> | undefined;

  constructor(
    db: Database.Database,
    private readonly reads: Reads,
    private readonly messages: Messages,
    private readonly purge: RoomPurge,
  ) {
    this.statements = {
      listRooms: db.prepare<[], RoomRow>(`SELECT ${COLUMNS} FROM rooms r WHERE ${OPEN} ORDER BY r.id`),
      findRoom: db.prepare<[string], RoomRow>(`SELECT ${COLUMNS} FROM rooms r WHERE r.key = ? AND r.deleted_at IS NULL`),
      // Ignored when either unique key (the folded name, the nameKey) is taken.
      createRoom: db.prepare<[string, string, number, string | null, string, number]>(
        'INSERT OR IGNORE INTO rooms (key, name, created_at, created_by, name_key, private) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      findRoomByKey: db.prepare<[string], RoomRow>(`SELECT ${COLUMNS} FROM rooms r WHERE r.name_key = ? AND r.deleted_at IS NULL`),
      // Through the unique index on key, in its order; the name test is a scan of at most the rooms after `after`.
      // A private room only for its members (a viewer of '' is nobody's).
      findRooms: db.prepare<[{ q: string; after: string; limit: number; viewer: string }], RoomRow>(
        `SELECT ${COLUMNS} FROM rooms r WHERE r.key > @after AND instr(r.key, @q) > 0 AND ${OPEN}
         AND (r.private = 0 OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.user_id = @viewer AND ms.room = r.name))
         ORDER BY r.key LIMIT @limit`,
      ),
      archiveRoom: db.prepare<[number, string, string]>(
        'UPDATE rooms SET archived_at = ? WHERE key = ? AND key <> ? AND archived_at IS NULL AND deleted_at IS NULL',
      ),
      markDeleted: db.prepare<[number, string, string]>('UPDATE rooms SET deleted_at = ? WHERE key = ? AND key <> ? AND deleted_at IS NULL'),
      // The markers of its members, by primary key (a marker kept after leaving is older than any later room's messages).
      dropReads: db.prepare<[string, string]>('DELETE FROM reads WHERE key = ? AND user_id IN (SELECT user_id FROM memberships WHERE room = ?)'),
      dropMemberships: db.prepare<[string]>('DELETE FROM memberships WHERE room = ?'),
      roomsOf: db.prepare<[string, string], { name: string }>(
        `SELECT r.name FROM memberships ms JOIN rooms r ON r.name = ms.room
         WHERE ms.user_id = ? AND ms.room <> ? AND r.deleted_at IS NULL ORDER BY r.id`,
      ),
      joinedRooms: db.prepare<[string, string], RoomRow>(
        `SELECT ${COLUMNS} FROM memberships ms JOIN rooms r ON r.name = ms.room
         WHERE ms.user_id = ? AND ms.room <> ? AND ${OPEN} ORDER BY r.id`,
      ),
      membersOf: db.prepare<[string], { user_id: string }>('SELECT user_id FROM memberships WHERE room = ?'),
      isMember: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM memberships WHERE user_id = ? AND room = ?'),
      addMembership: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO memberships (user_id, room, joined_at) VALUES (?, ?, ?)',
      ),
      removeMembership: db.prepare<[string, string]>('DELETE FROM memberships WHERE user_id = ? AND room = ?'),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      createRoom: db.transaction((name: string, createdAt: number, createdBy: string | undefined, isPrivate: boolean): boolean => {
        const made = this.statements.createRoom.run(foldName(name), name, createdAt, createdBy ?? null, nameKey(name), isPrivate ? 1 : 0);
        if (made.changes === 0) return false;
        // A private room is seen only by its members: its maker is the first.
        if (isPrivate && createdBy !== undefined) this.transactions.addMembership(createdBy, name, createdAt);
        return true;
      }),
      addMembership: db.transaction((userId: string, room: string, joinedAt: number): boolean => {
        if (this.statements.addMembership.run(userId, room, joinedAt).changes === 0) return false;
        this.reads.startReading(userId, room);
        return true;
      }),
      deleteRoom: db.transaction((room: Room, at: number): boolean => {
        if (this.statements.markDeleted.run(at, foldName(room.name), LOBBY).changes === 0) return false;
        this.statements.dropReads.run(conversationKey({ room: room.name }), room.name);
        this.statements.dropMemberships.run(room.name);
        this.purge.purge();
        return true;
      }),
    };
  }

  listRooms(): Room[] {
    this.list ??= this.statements.listRooms.all().map((row) => Object.freeze(toRoom(row)));
    return this.list.slice();
  }

  findRoom(name: string): Room | undefined {
    const row = this.statements.findRoom.get(foldName(name));
    return row && toRoom(row);
  }

  createRoom(name: string, createdAt: number, createdBy?: string, isPrivate = false): Room | undefined {
    if (!this.transactions.createRoom(name, createdAt, createdBy, isPrivate)) return undefined;
    const room: Room = createdBy === undefined ? { name, createdAt } : { name, createdAt, createdBy };
    if (isPrivate) room.private = true;
    // Rooms are listed in creation order: the new one goes last, and the list needs no reading again.
    this.list?.push(Object.freeze({ ...room }));
    return { ...room };
  }

  findRoomByKey(key: string): Room | undefined {
    const row = this.statements.findRoomByKey.get(key);
    return row && toRoom(row);
  }

  findRooms({ q, after, limit, viewer }: RoomQuery): Room[] {
    return this.statements.findRooms.all({ q: foldName(q), after: foldName(after), limit, viewer: viewer ?? '' }).map(toRoom);
  }

  archiveRoom(name: string, at: number): boolean {
    if (this.statements.archiveRoom.run(at, foldName(name), LOBBY).changes === 0) return false;
    this.list = undefined;
    return true;
  }

  deleteRoom(name: string, at: number): boolean {
    const room = this.findRoom(name);
    if (!room || !this.transactions.deleteRoom(room, at)) return false;
    this.list = undefined;
    // Its latest page would otherwise be what a new room of the same name shows.
    this.messages.forgetRoom(room.name);
    return true;
  }

  roomsOf(userId: string): string[] {
    return [LOBBY, ...this.statements.roomsOf.all(userId, LOBBY).map((row) => row.name)];
  }

  joinedRooms(userId: string): Room[] {
    this.lobby ??= Object.freeze(this.findRoom(LOBBY));
    return [...(this.lobby ? [{ ...this.lobby }] : []), ...this.statements.joinedRooms.all(userId, LOBBY).map(toRoom)];
  }

  isMember(userId: string, room: string): boolean {
    return room === LOBBY || this.statements.isMember.get(userId, room) !== undefined;
  }

  membersOf(room: string): string[] {
    return this.statements.membersOf.all(room).map((row) => row.user_id);
  }

  addMembership(userId: string, room: string, joinedAt: number): boolean {
    if (room === LOBBY) return false;
    return this.transactions.addMembership(userId, room, joinedAt);
  }

  removeMembership(userId: string, room: string): void {
    if (room !== LOBBY) this.statements.removeMembership.run(userId, room);
  }

  /** A room made, archived or deleted in a batch whose commit failed may be otherwise: the list is read again. */
  forget(): void {
    this.list = undefined;
  }
}
