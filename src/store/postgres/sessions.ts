// Users and their sessions (sign-ins) on PostgreSQL: adding a user (who starts with the lobby read
// up to now) and reading one, sessions made, read with their user, and ended one at a time or all
// at once, and the sign-in by name: who holds a name, and taking it. Several processes may sign
// the same name in at once: each takes the name's advisory lock first, in its transaction, so the
// second reads what the first committed (its holder and session) before deciding.
import { conversationKey, LOBBY, type User } from '../../shared/protocol/index.js';
import type { NameHolder, NameSignIn, NameSignInOutcome, StoredSession, StoredUser } from '../store.js';
import type { Queryable } from './pool.js';

/** The advisory locks of names: this number, and the key's hash (a shared hash only makes two names wait for each other). */
export const NAME_LOCK = 0x6e616d65; // 'name'

const SQL = {
  // A newcomer has read the lobby up to now: its past is not "unread" to them. Nothing for a user already known.
  addUser: `WITH added AS (
      INSERT INTO users (id, name, image, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id
    )
    INSERT INTO reads (user_id, key, last_read_id)
      SELECT id, $5, (SELECT coalesce(max(id), 0) FROM messages WHERE room = $6) FROM added
      ON CONFLICT (user_id, key) DO NOTHING`,
  getUser: 'SELECT id, name, image, created_at, deleted_at FROM users WHERE id = $1',
  addSession: 'INSERT INTO sessions (id, user_id, created_at, agent) VALUES ($1, $2, $3, $4)',
  getSession: `SELECT s.created_at, s.ended_at, u.id AS user_id, u.name, u.image, u.created_at AS user_created_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
  hasSessions: 'SELECT 1 FROM sessions WHERE user_id = $1 LIMIT 1',
  endSession: 'UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL',
  endSessionsOf: 'UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL',
  lockName: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
  // Through the primary key of held_names, then one user's sessions (sessions_by_user).
  nameHolder: `SELECT u.id, u.name, u.image, u.created_at, u.password,
      EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL AND s.created_at > $2) AS signed_in
    FROM held_names h JOIN users u ON u.id = h.user_id WHERE h.key = $1`,
  // Taken, or taken over from a guest no longer signed in (whose row the sweep may have removed meanwhile).
  hold: 'INSERT INTO held_names (key, user_id) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id',
  setPassword: 'UPDATE users SET password = $2 WHERE id = $1 AND password IS NULL',
};

interface HolderRow {
  id: string;
  name: string;
  image: number;
  created_at: number;
  password: string | null;
  signed_in: boolean;
}

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

  async getUser(id: string, db: Queryable = this.db): Promise<StoredUser | undefined> {
    const row = (await db.query<{ id: string; name: string; image: number; created_at: number; deleted_at: number | null }>(SQL.getUser, [id])).rows[0];
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at, ...(row.deleted_at === null ? {} : { deleted: true as const }) };
  }

  async nameHolder(key: string, liveAfter: number, db: Queryable = this.db): Promise<NameHolder | undefined> {
    const row = (await db.query<HolderRow>(SQL.nameHolder, [key, liveAfter])).rows[0];
    if (!row) return undefined;
    const user = { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
    return { user, signedIn: row.signed_in, ...(row.password === null ? {} : { passwordHash: row.password }) };
  }

  /** See Store.signInByName: in the group commit's transaction, under the name's lock. */
  async signInByName(tx: Queryable, signIn: NameSignIn): Promise<NameSignInOutcome> {
    const { key, user, sessionId, at, liveAfter, passwordHash, agent } = signIn;
    await tx.query(SQL.lockName, [NAME_LOCK, key]);
    const holder = await this.nameHolder(key, liveAfter, tx);
    if (holder && holder.user.id !== user.id) {
      if (holder.passwordHash !== undefined) return { ok: false, reason: 'claimed', holder: holder.user };
      if (holder.signedIn) return { ok: false, reason: 'signedIn', holder: holder.user };
    }
    await this.addUser(tx, user, at);
    if (holder?.user.id !== user.id) await tx.query(SQL.hold, [key, user.id]);
    if (passwordHash !== undefined) await tx.query(SQL.setPassword, [user.id, passwordHash]);
    await this.addSession(tx, sessionId, user.id, at, agent);
    const kept = holder?.user.id === user.id ? holder.user : await this.getUser(user.id, tx);
    return { ok: true, user: kept as StoredUser };
  }

  async addSession(tx: Queryable, id: string, userId: string, createdAt: number, agent?: string): Promise<void> {
    await tx.query(SQL.addSession, [id, userId, createdAt, agent ?? null]);
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
