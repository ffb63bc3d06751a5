// Users and their sessions (sign-ins) on PostgreSQL: adding a user (who starts with the lobby read
// up to now) and reading one, and sessions made, read with their user, and ended one at a time or
// all at once.
import { conversationKey, LOBBY, type User } from '../../shared/protocol/index.js';
import type { StoredSession, StoredUser } from '../store.js';
import type { Queryable } from './pool.js';

const SQL = {
  // A newcomer has read the lobby up to now: its past is not "unread" to them. Nothing for a user already known.
  addUser: `WITH added AS (
      INSERT INTO users (id, name, image, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id
    )
    INSERT INTO reads (user_id, key, last_read_id)
      SELECT id, $5, (SELECT coalesce(max(id), 0) FROM messages WHERE room = $6) FROM added
      ON CONFLICT (user_id, key) DO NOTHING`,
  getUser: 'SELECT id, name, image, created_at FROM users WHERE id = $1',
  addSession: 'INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)',
  getSession: `SELECT s.created_at, s.ended_at, u.id AS user_id, u.name, u.image, u.created_at AS user_created_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
  hasSessions: 'SELECT 1 FROM sessions WHERE user_id = $1 LIMIT 1',
  endSession: 'UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL',
  endSessionsOf: 'UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL',
};

interface SessionRow {
  created_at: number;
  ended_at: number | null;
  user_id: string;
  name: string;
  image: number;
  user_created_at: number;
}

export class Accounts {
  constructor(private readonly db: Queryable) {}

  async addUser(tx: Queryable, user: User, createdAt: number): Promise<void> {
    await tx.query(SQL.addUser, [user.id, user.name, user.image, createdAt, conversationKey({ room: LOBBY }), LOBBY]);
  }

  async getUser(id: string): Promise<StoredUser | undefined> {
    const row = (await this.db.query<{ id: string; name: string; image: number; created_at: number }>(SQL.getUser, [id])).rows[0];
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
  }

  async addSession(tx: Queryable, id: string, userId: string, createdAt: number): Promise<void> {
    await tx.query(SQL.addSession, [id, userId, createdAt]);
  }

  async getSession(id: string): Promise<StoredSession | undefined> {
    const row = (await this.db.query<SessionRow>(SQL.getSession, [id])).rows[0];
    if (!row) return undefined;
    const user = { id: row.user_id, name: row.name, image: row.image, createdAt: row.user_created_at };
    return { id, user, createdAt: row.created_at, ...(row.ended_at === null ? {} : { endedAt: row.ended_at }) };
  }

  async hasSessions(userId: string): Promise<boolean> {
    return ((await this.db.query(SQL.hasSessions, [userId])).rowCount ?? 0) > 0;
  }

  async endSession(tx: Queryable, id: string, at: number): Promise<void> {
    await tx.query(SQL.endSession, [at, id]);
  }

  async endSessionsOf(tx: Queryable, userId: string, at: number): Promise<void> {
    await tx.query(SQL.endSessionsOf, [at, userId]);
  }
}
