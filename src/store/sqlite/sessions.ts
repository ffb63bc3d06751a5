// Users and their sessions (sign-ins): adding a user (who starts with the lobby read up to now)
// and reading one, sessions made, read with their user, and ended one at a time or all at once,
// and the sign-in by name: who holds a name, and taking it (held_names, schema version 3).
import type Database from 'better-sqlite3';
import { LOBBY, type User } from '../../shared/protocol/index.js';
import type { NameHolder, NameSignIn, NameSignInOutcome, StoredSession, StoredUser } from '../store.js';
import type { Reads } from './reads.js';

interface HolderRow {
  id: string;
  name: string;
  image: number;
  created_at: number;
  password: string | null;
  signed_in: number;
}

export class Accounts {
  private readonly statements;
  private readonly transactions;

  constructor(
    db: Database.Database,
    private readonly reads: Reads,
  ) {
    this.statements = {
      addSession: db.prepare<[string, string, number, string | null]>('INSERT INTO sessions (id, user_id, created_at, agent) VALUES (?, ?, ?, ?)'),
      getSession: db.prepare<
        [string],
        { created_at: number; ended_at: number | null; user_id: string; name: string; image: number; user_created_at: number }
      >(
        `SELECT s.created_at, s.ended_at, u.id AS user_id, u.name, u.image, u.created_at AS user_created_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
      ),
      hasSessions: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM sessions WHERE user_id = ? LIMIT 1'),
      endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
      endSessionsOf: db.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL'),
      addUser: db.prepare('INSERT OR IGNORE INTO users (id, name, image, created_at) VALUES (?, ?, ?, ?)'),
      getUser: db.prepare<[string], { id: string; name: string; image: number; created_at: number; deleted_at: number | null }>(
        'SELECT id, name, image, created_at, deleted_at FROM users WHERE id = ?',
      ),
      // Through the primary key of held_names, then the sessions of one user (sessions_by_user).
      nameHolder: db.prepare<[number, string], HolderRow>(
        `SELECT u.id, u.name, u.image, u.created_at, u.password,
           EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL AND s.created_at > ?) AS signed_in
         FROM held_names h JOIN users u ON u.id = h.user_id WHERE h.key = ?`,
      ),
      // Taken, or taken over from a guest no longer signed in.
      hold: db.prepare<[string, string]>('INSERT INTO held_names (key, user_id) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id'),
      setPassword: db.prepare<[string, string]>('UPDATE users SET password = ? WHERE id = ? AND password IS NULL'),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      addUser: db.transaction((user: User, createdAt: number) => {
        const { changes } = this.statements.addUser.run(user.id, user.name, user.image, createdAt);
        // A newcomer has read the lobby up to now: its past is not "unread" to them.
        if (changes === 1) this.reads.ensureRoomReadMarker(user.id, LOBBY);
      }),
      // One connection, one writer: the holder read here is still the holder when the name is taken.
      signInByName: db.transaction((signIn: NameSignIn): NameSignInOutcome => {
        const { key, user, sessionId, at, liveAfter, passwordHash, agent } = signIn;
        const holder = this.nameHolder(key, liveAfter);
        if (holder && holder.user.id !== user.id) {
          if (holder.passwordHash !== undefined) return { ok: false, reason: 'claimed', holder: holder.user };
          if (holder.signedIn) return { ok: false, reason: 'signedIn', holder: holder.user };
        }
        this.transactions.addUser(user, at);
        if (holder?.user.id !== user.id) this.statements.hold.run(key, user.id);
        if (passwordHash !== undefined) this.statements.setPassword.run(passwordHash, user.id);
        this.statements.addSession.run(sessionId, user.id, at, agent ?? null);
        return { ok: true, user: holder?.user.id === user.id ? holder.user : (this.getUser(user.id) as StoredUser) };
      }),
    };
  }

  addUser(user: User, createdAt: number): void {
    this.transactions.addUser(user, createdAt);
  }

  getUser(id: string): StoredUser | undefined {
    const row = this.statements.getUser.get(id);
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at, ...(row.deleted_at === null ? {} : { deleted: true }) };
  }

  nameHolder(key: string, liveAfter: number): NameHolder | undefined {
    const row = this.statements.nameHolder.get(liveAfter, key);
    if (!row) return undefined;
    const user = { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
    return { user, signedIn: row.signed_in === 1, ...(row.password === null ? {} : { passwordHash: row.password }) };
  }

  signInByName(signIn: NameSignIn): NameSignInOutcome {
    return this.transactions.signInByName(signIn);
  }

  addSession(id: string, userId: string, createdAt: number): void {
    this.statements.addSession.run(id, userId, createdAt, null);
  }

  getSession(id: string): StoredSession | undefined {
    const row = this.statements.getSession.get(id);
    if (!row) return undefined;
    const user = { id: row.user_id, name: row.name, image: row.image, createdAt: row.user_created_at };
    return { id, user, createdAt: row.created_at, ...(row.ended_at === null ? {} : { endedAt: row.ended_at }) };
  }

  hasSessions(userId: string): boolean {
    return this.statements.hasSessions.get(userId) !== undefined;
  }

  endSession(id: string, at: number): void {
    this.statements.endSession.run(at, id);
  }

  endSessionsOf(userId: string, at: number): void {
    this.statements.endSessionsOf.run(at, userId);
  }
}
