// The account page's changes on PostgreSQL (../accountStore.ts), as SQLite's (../sqlite/accountChanges.ts):
// a user's live sessions, a password set (the other sessions ended), a new display name taken under
// the name's advisory lock as a sign-in takes one (sessions.ts), an account deleted (the name free,
// the messages kept under "deleted user"). Writes run in the group commit's transaction.
import { DELETED_USER_NAME, type Rename, type RenameOutcome, type SessionInfo } from '../accountStore.js';
import type { StoredUser } from '../store.js';
import type { Queryable } from './pool.js';
import { NAME_LOCK, type Accounts } from './sessions.js';

const SQL = {
  sessionsOf: `SELECT id, created_at, agent FROM sessions
    WHERE user_id = $1 AND ended_at IS NULL AND created_at > $2 ORDER BY created_at DESC, id DESC`,
  passwordOf: 'SELECT password FROM users WHERE id = $1',
  setPassword: 'UPDATE users SET password = $2 WHERE id = $1',
  endOthers: 'UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL',
  endAll: 'UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL',
  lockName: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
  release: 'DELETE FROM held_names WHERE user_id = $1',
  hold: 'INSERT INTO held_names (key, user_id) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id',
  rename: 'UPDATE users SET name = $2 WHERE id = $1',
  anonymise: 'UPDATE users SET name = $2, password = NULL, deleted_at = $3 WHERE id = $1',
  dropMemberships: 'DELETE FROM memberships WHERE user_id = $1',
  dropReads: 'DELETE FROM reads WHERE user_id = $1',
};

export class AccountChanges {
  constructor(
    private readonly db: Queryable,
    private readonly accounts: Accounts,
  ) {}

  async sessionsOf(userId: string, liveAfter: number): Promise<SessionInfo[]> {
    const { rows } = await this.db.query<{ id: string; created_at: number; agent: string | null }>(SQL.sessionsOf, [userId, liveAfter]);
    return rows.map((row) => ({ id: row.id, createdAt: row.created_at, ...(row.agent === null ? {} : { agent: row.agent }) }));
  }

  async passwordHashOf(userId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ password: string | null }>(SQL.passwordOf, [userId]);
    return rows[0]?.password ?? undefined;
  }

  async setPassword(tx: Queryable, userId: string, hash: string, keepSession: string | undefined, at: number): Promise<void> {
    await tx.query(SQL.setPassword, [userId, hash]);
    if (keepSession === undefined) await tx.query(SQL.endAll, [at, userId]);
    else await tx.query(SQL.endOthers, [at, userId, keepSession]);
  }

  /** Under the new name's lock: a sign-in or a rename to it on another process waits, then sees this one. */
  async renameUser(tx: Queryable, { userId, key, name, liveAfter }: Rename): Promise<RenameOutcome> {
    await tx.query(SQL.lockName, [NAME_LOCK, key]);
    const holder = await this.accounts.nameHolder(key, liveAfter, tx);
    if (holder && holder.user.id !== userId) {
      if (holder.passwordHash !== undefined) return { ok: false, reason: 'claimed', holder: holder.user };
      if (holder.signedIn) return { ok: false, reason: 'signedIn', holder: holder.user };
    }
    await tx.query(SQL.release, [userId]);
    await tx.query(SQL.hold, [key, userId]);
    await tx.query(SQL.rename, [userId, name]);
    return { ok: true, user: (await this.accounts.getUser(userId, tx)) as StoredUser };
  }

  async deleteUser(tx: Queryable, userId: string, at: number): Promise<void> {
    await tx.query(SQL.endAll, [at, userId]);
    await tx.query(SQL.release, [userId]);
    await tx.query(SQL.anonymise, [userId, DELETED_USER_NAME, at]);
    await tx.query(SQL.dropMemberships, [userId]);
    await tx.query(SQL.dropReads, [userId]);
  }
}
