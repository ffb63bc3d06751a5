// The account page's changes on SQLite (../accountStore.ts): a user's live sessions, a password set
// (the other sessions ended), a new display name taken as a sign-in takes one, an account deleted
// (the name free, the messages kept under "deleted user"). One connection, one writer: what a
// transaction reads of a name's holder is still so when it writes.
import type Database from 'better-sqlite3';
import { DELETED_USER_NAME, type Rename, type RenameOutcome, type SessionInfo } from '../accountStore.js';
import type { StoredUser } from '../store.js';
import type { Messages } from './messages.js';
import type { Accounts } from './sessions.js';

export class AccountChanges {
  private readonly statements;
  private readonly transactions;

  constructor(
    db: Database.Database,
    private readonly accounts: Accounts,
    /** Keeps rooms' latest pages, authors' names included: a new or deleted name must not be answered from there. */
    private readonly messages: Messages,
  ) {
    this.statements = {
      sessionsOf: db.prepare<[string, number], { id: string; created_at: number; agent: string | null }>(
        'SELECT id, created_at, agent FROM sessions WHERE user_id = ? AND ended_at IS NULL AND created_at > ? ORDER BY created_at DESC, id DESC',
      ),
      passwordOf: db.prepare<[string], { password: string | null }>('SELECT password FROM users WHERE id = ?'),
      setPassword: db.prepare<[string, string]>('UPDATE users SET password = ? WHERE id = ?'),
      endOthers: db.prepare<[number, string, string]>('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND id <> ? AND ended_at IS NULL'),
      endAll: db.prepare<[number, string]>('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL'),
      release: db.prepare<[string]>('DELETE FROM held_names WHERE user_id = ?'),
      hold: db.prepare<[string, string]>('INSERT INTO held_names (key, user_id) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id'),
      rename: db.prepare<[string, string]>('UPDATE users SET name = ? WHERE id = ?'),
      anonymise: db.prepare<[string, number, string]>('UPDATE users SET name = ?, password = NULL, deleted_at = ? WHERE id = ?'),
      dropMemberships: db.prepare<[string]>('DELETE FROM memberships WHERE user_id = ?'),
      dropReads: db.prepare<[string]>('DELETE FROM reads WHERE user_id = ?'),
    };
    this.transactions = {
      setPassword: db.transaction((userId: string, hash: string, keepSession: string | undefined, at: number) => {
        this.statements.setPassword.run(hash, userId);
        if (keepSession === undefined) this.statements.endAll.run(at, userId);
        else this.statements.endOthers.run(at, userId, keepSession);
      }),
      rename: db.transaction(({ userId, key, name, liveAfter }: Rename): RenameOutcome => {
        const holder = this.accounts.nameHolder(key, liveAfter);
        if (holder && holder.user.id !== userId) {
          if (holder.passwordHash !== undefined) return { ok: false, reason: 'claimed', holder: holder.user };
          if (holder.signedIn) return { ok: false, reason: 'signedIn', holder: holder.user };
        }
        this.statements.release.run(userId);
        this.statements.hold.run(key, userId);
        this.statements.rename.run(name, userId);
        return { ok: true, user: this.accounts.getUser(userId) as StoredUser };
      }),
      deleteUser: db.transaction((userId: string, at: number) => {
        this.statements.endAll.run(at, userId);
        this.statements.release.run(userId);
        this.statements.anonymise.run(DELETED_USER_NAME, at, userId);
        this.statements.dropMemberships.run(userId);
        this.statements.dropReads.run(userId);
      }),
    };
  }

  sessionsOf(userId: string, liveAfter: number): SessionInfo[] {
    return this.statements.sessionsOf.all(userId, liveAfter).map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      ...(row.agent === null ? {} : { agent: row.agent }),
    }));
  }

  passwordHashOf(userId: string): string | undefined {
    return this.statements.passwordOf.get(userId)?.password ?? undefined;
  }

  setPassword(userId: string, hash: string, keepSession: string | undefined, at: number): void {
    this.transactions.setPassword(userId, hash, keepSession, at);
  }

  renameUser(rename: Rename): RenameOutcome {
    const outcome = this.transactions.rename(rename);
    if (outcome.ok) this.messages.forget();
    return outcome;
  }

  deleteUser(userId: string, at: number): void {
    this.transactions.deleteUser(userId, at);
    this.messages.forget();
  }
}
