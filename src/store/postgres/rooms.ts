// Rooms and who belongs to them, on PostgreSQL: making and finding rooms (by the folded key, so in
// any case; a new name also unique by its nameKey, so no two rooms look alike), the directory, archiving and deleting, and memberships, a new one starting its
// member's read marker at the room's newest message. The room list is read from the database
// every time rather than kept: another process may make, archive or delete a room at any moment
// (a few rows, read through the primary key in order).
import { conversationKey, foldName, LOBBY, nameKey } from '../../shared/protocol/index.js';
import { OPEN_ROOM, ROOM_COLUMNS, toRoom, type RoomRow } from '../rows.js';
import type { Room, RoomQuery } from '../store.js';
import type { Queryable } from './pool.js';
import type { Reads } from './reads.js';
import type { RoomPurge } from './roomPurge.js';

const SQL = {
  listRooms: `SELECT ${ROOM_COLUMNS} FROM rooms r WHERE ${OPEN_ROOM} ORDER BY r.id`,
  findRoom: `SELECT ${ROOM_COLUMNS} FROM rooms r WHERE r.key = $1 AND r.deleted_at IS NULL`,
  // Nothing when either unique key (the folded name, the nameKey) is taken.
  createRoom: `INSERT INTO rooms (key, name, created_at, created_by, name_key, private) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT DO NOTHING RETURNING id`,
  findRoomByKey: `SELECT ${ROOM_COLUMNS} FROM rooms r WHERE r.name_key = $1 AND r.deleted_at IS NULL`,
  // Through the unique index on key, in its order; the name test is a scan of at most the rooms after `after`.
  // A private room only for its members (a viewer of '' is nobody's).
  findRooms: `SELECT ${ROOM_COLUMNS} FROM rooms r
    WHERE r.key > $2 AND strpos(r.key, $1) > 0 AND ${OPEN_ROOM}
    AND (NOT r.private OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.user_id = $4 AND ms.room = r.name))
    ORDER BY r.key LIMIT $3`,
  archiveRoom: 'UPDATE rooms SET archived_at = $1 WHERE key = $2 AND key <> $3 AND archived_at IS NULL AND deleted_at IS NULL',
  markDeleted: 'UPDATE rooms SET deleted_at = $1 WHERE key = $2 AND key <> $3 AND deleted_at IS NULL',
  // The markers of its members, by primary key (a marker kept after leaving is older than any later room's messages).
  dropReads: 'DELETE FROM reads WHERE key = $1 AND user_id IN (SELECT user_id FROM memberships WHERE room = $2)',
  dropMemberships: 'DELETE FROM memberships WHERE room = $1',
  roomsOf: `SELECT r.name FROM memberships ms JOIN rooms r ON r.name = ms.room
    WHERE ms.user_id = $1 AND ms.room <> $2 AND r.deleted_at IS NULL ORDER BY r.id`,
  // The lobby (everyone's, no membership rows) first, then the user's rooms in creation order.
  joinedRooms: `SELECT ${ROOM_COLUMNS} FROM rooms r
    WHERE ${OPEN_ROOM} AND (r.key = $2 OR r.name IN (SELECT room FROM memberships WHERE user_id = $1 AND room <> $2))
    ORDER BY r.key = $2 DESC, r.id`,
  membersOf: 'SELECT user_id FROM memberships WHERE room = $1',
  isMember: 'SELECT 1 FROM memberships WHERE user_id = $1 AND room = $2',
  addMembership: 'INSERT INTO memberships (user_id, room, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  removeMembership: 'DELETE FROM memberships WHERE user_id = $1 AND room = $2',
};

export class Rooms {
  constructor(
    private readonly db: Queryable,
    private readonly reads: Reads,
    private readonly purge: RoomPurge,
  ) {}

  async listRooms(): Promise<Room[]> {
    return (await this.db.query<RoomRow>(SQL.listRooms)).rows.map(toRoom);
  }

  async findRoom(name: string, db: Queryable = this.db): Promise<Room | undefined> {
    const row = (await db.query<RoomRow>(SQL.findRoom, [foldName(name)])).rows[0];
    return row && toRoom(row);
  }

  async createRoom(tx: Queryable, name: string, createdAt: number, createdBy?: string, isPrivate = false): Promise<Room | undefined> {
    const { rowCount } = await tx.query(SQL.createRoom, [foldName(name), name, createdAt, createdBy ?? null, nameKey(name), isPrivate]);
    if (rowCount === 0) return undefined;
    const room: Room = createdBy === undefined ? { name, createdAt } : { name, createdAt, createdBy };
    if (isPrivate) room.private = true;
    // A private room is seen only by its members: its maker is the first.
    if (isPrivate && createdBy !== undefined) await this.addMembership(tx, createdBy, name, createdAt);
    return room;
  }

  async findRoomByKey(key: string): Promise<Room | undefined> {
    const row = (await this.db.query<RoomRow>(SQL.findRoomByKey, [key])).rows[0];
    return row && toRoom(row);
  }

  async findRooms({ q, after, limit, viewer }: RoomQuery): Promise<Room[]> {
    return (await this.db.query<RoomRow>(SQL.findRooms, [foldName(q), foldName(after), limit, viewer ?? ''])).rows.map(toRoom);
  }

  async archiveRoom(tx: Queryable, name: string, at: number): Promise<boolean> {
    return (await tx.query(SQL.archiveRoom, [at, foldName(name), LOBBY])).rowCount === 1;
  }

  /** Marks the room deleted, drops its memberships and their markers, and purges a first chunk of its messages. */
  async deleteRoom(tx: Queryable, name: string, at: number): Promise<boolean> {
    const room = await this.findRoom(name, tx);
    if (!room) return false;
    if ((await tx.query(SQL.markDeleted, [at, foldName(room.name), LOBBY])).rowCount === 0) return false;
    await tx.query(SQL.dropReads, [conversationKey({ room: room.name }), room.name]);
    await tx.query(SQL.dropMemberships, [room.name]);
    await this.purge.purge(tx);
    return true;
  }

  async roomsOf(userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ name: string }>(SQL.roomsOf, [userId, LOBBY]);
    return [LOBBY, ...rows.map((row) => row.name)];
  }

  async joinedRooms(userId: string): Promise<Room[]> {
    return (await this.db.query<RoomRow>(SQL.joinedRooms, [userId, foldName(LOBBY)])).rows.map(toRoom);
  }

  async isMember(userId: string, room: string): Promise<boolean> {
    return room === LOBBY || ((await this.db.query(SQL.isMember, [userId, room])).rowCount ?? 0) > 0;
  }

  async membersOf(room: string): Promise<string[]> {
    return (await this.db.query<{ user_id: string }>(SQL.membersOf, [room])).rows.map((row) => row.user_id);
  }

  async addMembership(tx: Queryable, userId: string, room: string, joinedAt: number): Promise<boolean> {
    if (room === LOBBY) return false;
    if ((await tx.query(SQL.addMembership, [userId, room, joinedAt])).rowCount === 0) return false;
    await this.reads.startReading(tx, userId, room);
    return true;
  }

  async removeMembership(tx: Queryable, userId: string, room: string): Promise<void> {
    if (room !== LOBBY) await tx.query(SQL.removeMembership, [userId, room]);
  }
}
