// Moderation on PostgreSQL (../moderation.ts, schema version 4), as on SQLite: reads on the pool,
// writes through the group commit (with the turn's other writes, in one transaction). Nothing is
// kept in memory: every process reads the same tables.
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
import type { GroupCommit } from './groupCommit.js';
import type { Queryable } from './pool.js';

/**
 * The advisory lock of "who is the first owner": two first accounts at once make one owner at most.
 * Tried, never waited for: a transaction of the group commit may hold a name's lock too, and
 * waiting here could deadlock with another process's; the one that does not get it makes no owner.
 */
const OWNER_LOCK = 0x6f776e72; // 'ownr'

const SQL = {
  roleOf: 'SELECT role FROM roles WHERE user_id = $1',
  setRole: `INSERT INTO roles (user_id, role, granted_at) VALUES ($1, $2, $3)
    ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at`,
  dropRole: 'DELETE FROM roles WHERE user_id = $1',
  staff: `SELECT u.id, u.name, u.image, r.role, r.granted_at FROM roles r JOIN users u ON u.id = r.user_id
    ORDER BY r.role = 'moderator', r.granted_at, u.id`,
  ownerLock: 'SELECT pg_try_advisory_xact_lock($1) AS got',
  ownFreshSite: `INSERT INTO roles (user_id, role, granted_at) SELECT $1, 'owner', $2
    WHERE NOT EXISTS (SELECT 1 FROM roles WHERE role = 'owner')
      AND NOT EXISTS (SELECT 1 FROM users WHERE password IS NOT NULL AND id <> $1)`,
  // Prepared (pool.ts): read before every edit, deletion and reaction, and planned in five times the time it runs.
  message: { name: 'moderation_message', text: `SELECT ${MESSAGE_COLUMNS} WHERE m.id = $1` },
  // The trigram index of search loses it with the row.
  remove: `INSERT INTO removed_people (user_id, name_key, name, removed_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id) DO UPDATE SET name_key = excluded.name_key, name = excluded.name, removed_at = excluded.removed_at`,
  restore: 'DELETE FROM removed_people WHERE user_id = $1',
  removedByKey: 'SELECT user_id, name, removed_at FROM removed_people WHERE name_key = $1 LIMIT 1',
  removedPeople: 'SELECT user_id, name, removed_at FROM removed_people ORDER BY removed_at DESC',
  block: `INSERT INTO blocked_addresses (address, until, blocked_at) VALUES ($1, $2, $3)
    ON CONFLICT (address) DO UPDATE SET until = excluded.until, blocked_at = excluded.blocked_at`,
  unblock: 'DELETE FROM blocked_addresses WHERE address = $1',
  blockedUntil: 'SELECT until FROM blocked_addresses WHERE address = $1 AND until > $2',
  blocks: 'SELECT address, until, blocked_at FROM blocked_addresses WHERE until > $1 ORDER BY until',
  lock: 'INSERT INTO locked_rooms (room, locked_at) VALUES ($1, $2) ON CONFLICT (room) DO NOTHING',
  unlock: 'DELETE FROM locked_rooms WHERE room = $1',
  lockedRooms: 'SELECT room, locked_at FROM locked_rooms ORDER BY room',
  noteAddress: `INSERT INTO sign_in_addresses (user_id, address, at) VALUES ($1, $2, $3)
    ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, at = excluded.at`,
  lastAddress: 'SELECT address FROM sign_in_addresses WHERE user_id = $1',
  record: 'INSERT INTO moderation_log (at, actor_id, actor_name, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)',
  log: 'SELECT id, at, actor_id, actor_name, action, target, detail FROM moderation_log WHERE id < $1 ORDER BY id DESC LIMIT $2',
};

interface RemovedRow {
  user_id: string;
  name: string;
  removed_at: number;
}
const toRemoved = (row: RemovedRow): RemovedPerson => ({ userId: row.user_id, name: row.name, removedAt: row.removed_at });

export class PostgresModeration implements ModerationStore {
  constructor(
    private readonly db: Queryable,
    private readonly commits: GroupCommit,
  ) {}

  async roleOf(userId: string): Promise<Role | undefined> {
    const { rows } = await this.db.query<{ role: Role }>(SQL.roleOf, [userId]);
    return rows[0]?.role;
  }

  setRole(userId: string, role: Role | undefined, at: number): Promise<void> {
    return this.commits.write(async (tx) => {
      await (role === undefined ? tx.query(SQL.dropRole, [userId]) : tx.query(SQL.setRole, [userId, role, at]));
    });
  }

  async staff(): Promise<StaffMember[]> {
    const { rows } = await this.db.query<{ id: string; name: string; image: number; role: Role; granted_at: number }>(SQL.staff);
    return rows.map((row) => ({ user: { id: row.id, name: row.name, image: row.image }, role: row.role, grantedAt: row.granted_at }));
  }

  ownFreshSite(userId: string, at: number): Promise<boolean> {
    return this.commits.write(async (tx) => {
      const { rows } = await tx.query<{ got: boolean }>(SQL.ownerLock, [OWNER_LOCK]);
      if (!rows[0]?.got) return false;
      return ((await tx.query(SQL.ownFreshSite, [userId, at])).rowCount ?? 0) === 1;
    });
  }

  async message(id: number): Promise<StoredMessage | undefined> {
    const { rows } = await this.db.query<MessageRow>(SQL.message, [id]);
    return rows[0] && toMessage(rows[0]);
  }

  remove({ userId, key, name }: { userId: string; key: string; name: string }, at: number): Promise<void> {
    return this.commits.write(async (tx) => void (await tx.query(SQL.remove, [userId, key, name, at])));
  }

  restore(userId: string): Promise<boolean> {
    return this.commits.write(async (tx) => ((await tx.query(SQL.restore, [userId])).rowCount ?? 0) === 1);
  }

  async removedByKey(key: string): Promise<RemovedPerson | undefined> {
    const { rows } = await this.db.query<RemovedRow>(SQL.removedByKey, [key]);
    return rows[0] && toRemoved(rows[0]);
  }

  async removedPeople(): Promise<RemovedPerson[]> {
    return (await this.db.query<RemovedRow>(SQL.removedPeople)).rows.map(toRemoved);
  }

  block(address: string, until: number, at: number): Promise<void> {
    return this.commits.write(async (tx) => void (await tx.query(SQL.block, [address, until, at])));
  }

  unblock(address: string): Promise<boolean> {
    return this.commits.write(async (tx) => ((await tx.query(SQL.unblock, [address])).rowCount ?? 0) === 1);
  }

  async blockedUntil(address: string, now: number): Promise<number | undefined> {
    const { rows } = await this.db.query<{ until: number }>(SQL.blockedUntil, [address, now]);
    return rows[0]?.until;
  }

  async blocks(now: number): Promise<AddressBlock[]> {
    const { rows } = await this.db.query<{ address: string; until: number; blocked_at: number }>(SQL.blocks, [now]);
    return rows.map((row) => ({ address: row.address, until: row.until, blockedAt: row.blocked_at }));
  }

  lock(room: string, at: number): Promise<boolean> {
    return this.commits.write(async (tx) => ((await tx.query(SQL.lock, [room, at])).rowCount ?? 0) === 1);
  }

  unlock(room: string): Promise<boolean> {
    return this.commits.write(async (tx) => ((await tx.query(SQL.unlock, [room])).rowCount ?? 0) === 1);
  }

  async lockedRooms(): Promise<RoomLock[]> {
    const { rows } = await this.db.query<{ room: string; locked_at: number }>(SQL.lockedRooms);
    return rows.map((row) => ({ room: row.room, lockedAt: row.locked_at }));
  }

  noteAddress(userId: string, address: string, at: number): Promise<void> {
    return this.commits.write(async (tx) => void (await tx.query(SQL.noteAddress, [userId, address, at])));
  }

  async lastAddress(userId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ address: string }>(SQL.lastAddress, [userId]);
    return rows[0]?.address;
  }

  record(entry: NewLogEntry): Promise<void> {
    return this.commits.write(async (tx) => void (await tx.query(SQL.record, logValues(entry))));
  }

  async log(before: number | undefined, limit: number): Promise<LogEntry[]> {
    const { rows } = await this.db.query<LogRow>(SQL.log, [before ?? Number.MAX_SAFE_INTEGER, limit]);
    return rows.map(toLogEntry);
  }
}
