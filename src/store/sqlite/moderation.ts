// Moderation on SQLite (../moderation.ts, schema version 4): roles, removed people, blocked
// addresses, locked rooms, last sign-in addresses and the log. Reads answer at once, in the turn's
// transaction (`read`); writes go through the store's group commit (`write`), like every other write.
import type Database from 'better-sqlite3';
import type { StoredMessage } from '../../shared/protocol/index.js';
import {
  logValues,
  toLogEntry,
  type AddressBlock,
  type LogEntry,
  type LogRow,
  type ModerationStore,
  type NewLogEntry,
  type RemovedPerson,
  type Role,
  type RoomLock,
  type StaffMember,
} from '../moderation.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from '../rows.js';

/** Runs a write in the turn's transaction; resolves once it is committed (SqliteStore.write). */
export type Write = <T>(run: () => T) => Promise<T>;
/** Runs a read in the turn's transaction (SqliteStore.read). */
export type Read = <T>(run: () => T) => T;

interface RemovedRow {
  user_id: string;
  name: string;
  removed_at: number;
}
const toRemoved = (row: RemovedRow): RemovedPerson => ({ userId: row.user_id, name: row.name, removedAt: row.removed_at });

export class SqliteModeration implements ModerationStore {
  private readonly sql;

  constructor(
    db: Database.Database,
    private readonly read: Read,
    private readonly write: Write,
    /** A room's latest page, kept in memory, holds a deleted message: drop it. */
    private readonly forgetRoom: (room: string) => void,
  ) {
    this.sql = {
      roleOf: db.prepare<[string], { role: Role }>('SELECT role FROM roles WHERE user_id = ?'),
      setRole: db.prepare<[string, string, number]>(
        'INSERT INTO roles (user_id, role, granted_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at',
      ),
      dropRole: db.prepare<[string]>('DELETE FROM roles WHERE user_id = ?'),
      staff: db.prepare<[], { id: string; name: string; image: number; role: Role; granted_at: number }>(
        `SELECT u.id, u.name, u.image, r.role, r.granted_at FROM roles r JOIN users u ON u.id = r.user_id
         ORDER BY r.role = 'moderator', r.granted_at, u.id`,
      ),
      ownFreshSite: db.prepare<[string, number, string]>(
        `INSERT INTO roles (user_id, role, granted_at) SELECT ?, 'owner', ?
         WHERE NOT EXISTS (SELECT 1 FROM roles WHERE role = 'owner')
           AND NOT EXISTS (SELECT 1 FROM users WHERE password IS NOT NULL AND id <> ?)`,
      ),
      message: db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} WHERE m.id = ?`),
      remove: db.prepare<[string, string, string, number]>(
        'INSERT OR REPLACE INTO removed_people (user_id, name_key, name, removed_at) VALUES (?, ?, ?, ?)',
      ),
      restore: db.prepare<[string]>('DELETE FROM removed_people WHERE user_id = ?'),
      removedByKey: db.prepare<[string], RemovedRow>('SELECT user_id, name, removed_at FROM removed_people WHERE name_key = ? LIMIT 1'),
      removedPeople: db.prepare<[], RemovedRow>('SELECT user_id, name, removed_at FROM removed_people ORDER BY removed_at DESC'),
      block: db.prepare<[string, number, number]>('INSERT OR REPLACE INTO blocked_addresses (address, until, blocked_at) VALUES (?, ?, ?)'),
      unblock: db.prepare<[string]>('DELETE FROM blocked_addresses WHERE address = ?'),
      blockedUntil: db.prepare<[string, number], { until: number }>('SELECT until FROM blocked_addresses WHERE address = ? AND until > ?'),
      blocks: db.prepare<[number], { address: string; until: number; blocked_at: number }>(
        'SELECT address, until, blocked_at FROM blocked_addresses WHERE until > ? ORDER BY until',
      ),
      lock: db.prepare<[string, number]>('INSERT OR IGNORE INTO locked_rooms (room, locked_at) VALUES (?, ?)'),
      unlock: db.prepare<[string]>('DELETE FROM locked_rooms WHERE room = ?'),
      lockedRooms: db.prepare<[], { room: string; locked_at: number }>('SELECT room, locked_at FROM locked_rooms ORDER BY room'),
      noteAddress: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO sign_in_addresses (user_id, address, at) VALUES (?, ?, ?)'),
      lastAddress: db.prepare<[string], { address: string }>('SELECT address FROM sign_in_addresses WHERE user_id = ?'),
      record: db.prepare('INSERT INTO moderation_log (at, actor_id, actor_name, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      log: db.prepare<[number, number], LogRow>(
        'SELECT id, at, actor_id, actor_name, action, target, detail FROM moderation_log WHERE id < ? ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  async roleOf(userId: string): Promise<Role | undefined> {
    return this.read(() => this.sql.roleOf.get(userId)?.role);
  }

  setRole(userId: string, role: Role | undefined, at: number): Promise<void> {
    return this.write(() => void (role === undefined ? this.sql.dropRole.run(userId) : this.sql.setRole.run(userId, role, at)));
  }

  async staff(): Promise<StaffMember[]> {
    return this.read(() => this.sql.staff.all().map((row) => ({ user: { id: row.id, name: row.name, image: row.image }, role: row.role, grantedAt: row.granted_at })));
  }

  ownFreshSite(userId: string, at: number): Promise<boolean> {
    return this.write(() => this.sql.ownFreshSite.run(userId, at, userId).changes === 1);
  }

  async message(id: number): Promise<StoredMessage | undefined> {
    return this.read(() => {
      const row = this.sql.message.get(id);
      return row && toMessage(row);
    });
  }

  remove({ userId, key, name }: { userId: string; key: string; name: string }, at: number): Promise<void> {
    return this.write(() => void this.sql.remove.run(userId, key, name, at));
  }

  restore(userId: string): Promise<boolean> {
    return this.write(() => this.sql.restore.run(userId).changes === 1);
  }

  async removedByKey(key: string): Promise<RemovedPerson | undefined> {
    return this.read(() => {
      const row = this.sql.removedByKey.get(key);
      return row && toRemoved(row);
    });
  }

  async removedPeople(): Promise<RemovedPerson[]> {
    return this.read(() => this.sql.removedPeople.all().map(toRemoved));
  }

  block(address: string, until: number, at: number): Promise<void> {
    return this.write(() => void this.sql.block.run(address, until, at));
  }

  unblock(address: string): Promise<boolean> {
    return this.write(() => this.sql.unblock.run(address).changes === 1);
  }

  async blockedUntil(address: string, now: number): Promise<number | undefined> {
    return this.read(() => this.sql.blockedUntil.get(address, now)?.until);
  }

  async blocks(now: number): Promise<AddressBlock[]> {
    return this.read(() => this.sql.blocks.all(now).map((row) => ({ address: row.address, until: row.until, blockedAt: row.blocked_at })));
  }

  lock(room: string, at: number): Promise<boolean> {
    return this.write(() => this.sql.lock.run(room, at).changes === 1);
  }

  unlock(room: string): Promise<boolean> {
    return this.write(() => this.sql.unlock.run(room).changes === 1);
  }

  async lockedRooms(): Promise<RoomLock[]> {
    return this.read(() => this.sql.lockedRooms.all().map((row) => ({ room: row.room, lockedAt: row.locked_at })));
  }

  noteAddress(userId: string, address: string, at: number): Promise<void> {
    return this.write(() => void this.sql.noteAddress.run(userId, address, at));
  }

  async lastAddress(userId: string): Promise<string | undefined> {
    return this.read(() => this.sql.lastAddress.get(userId)?.address);
  }

  record(entry: NewLogEntry): Promise<void> {
    return this.write(() => void this.sql.record.run(...logValues(entry)));
  }

  async log(before: number | undefined, limit: number): Promise<LogEntry[]> {
    return this.read(() => this.sql.log.all(before ?? Number.MAX_SAFE_INTEGER, limit).map(toLogEntry));
  }
}
