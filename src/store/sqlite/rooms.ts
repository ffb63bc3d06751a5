// Rooms and who belongs to them: making and finding rooms (by `foldName`, so in any case), the
// room list kept in memory until a room is made or a commit fails (`forget()`), and memberships,
// a new one starting its member's read marker at the room's newest message.
import type Database from 'better-sqlite3';
import { foldName, LOBBY } from '../../shared/protocol/index.js';
import type { Room } from '../store.js';
import type { Reads } from './reads.js';

export class Rooms {
  private readonly statements;
  private readonly transactions;
  /** The room list, as last read; cleared by whatever changes it. */
  private list: readonly Room[] | undefined;

  constructor(
    db: Database.Database,
    private readonly reads: Reads,
  ) {
    this.statements = {
      listRooms: db.prepare<[], { name: string; created_at: number }>('SELECT name, created_at FROM rooms ORDER BY id'),
      findRoom: db.prepare<[string], { name: string; created_at: number }>(
        'SELECT name, created_at FROM rooms WHERE key = ?',
      ),
      createRoom: db.prepare('INSERT OR IGNORE INTO rooms (key, name, created_at) VALUES (?, ?, ?)'),
      roomsOf: db.prepare<[string, string], { name: string }>(
        `SELECT r.name FROM memberships ms JOIN rooms r ON r.name = ms.room
         WHERE ms.user_id = ? AND ms.room <> ? ORDER BY r.id`,
      ),
      isMember: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM memberships WHERE user_id = ? AND room = ?'),
      addMembership: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO memberships (user_id, room, joined_at) VALUES (?, ?, ?)',
      ),
      removeMembership: db.prepare<[string, string]>('DELETE FROM memberships WHERE user_id = ? AND room = ?'),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      addMembership: db.transaction((userId: string, room: string, joinedAt: number): boolean => {
        if (this.statements.addMembership.run(userId, room, joinedAt).changes === 0) return false;
        this.reads.startReading(userId, room);
        return true;
      }),
    };
  }

  listRooms(): Room[] {
    this.list ??= this.statements.listRooms.all().map((row) => Object.freeze({ name: row.name, createdAt: row.created_at }));
    return this.list.slice();
  }

  findRoom(name: string): Room | undefined {
    const row = this.statements.findRoom.get(foldName(name));
    return row && { name: row.name, createdAt: row.created_at };
  }

  createRoom(name: string, createdAt: number): Room | undefined {
    const { changes } = this.statements.createRoom.run(foldName(name), name, createdAt);
    if (changes === 1) this.list = undefined;
    return changes === 1 ? { name, createdAt } : undefined;
  }

  roomsOf(userId: string): string[] {
    return [LOBBY, ...this.statements.roomsOf.all(userId, LOBBY).map((row) => row.name)];
  }

  isMember(userId: string, room: string): boolean {
    return room === LOBBY || this.statements.isMember.get(userId, room) !== undefined;
  }

  addMembership(userId: string, room: string, joinedAt: number): boolean {
    if (room === LOBBY) return false;
    return this.transactions.addMembership(userId, room, joinedAt);
  }

  removeMembership(userId: string, room: string): void {
    if (room !== LOBBY) this.statements.removeMembership.run(userId, room);
  }

  /** A room made in a batch whose commit failed may be gone: the list is read again. */
  forget(): void {
    this.list = undefined;
  }
}
