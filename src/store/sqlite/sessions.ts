// Users and their sessions (sign-ins): adding a user (who starts with the lobby read up to now)
// and reading one, and sessions made, read with their user, and ended one at a time or all at once.
import type Database from 'better-sqlite3';
import { LOBBY, type User } from '../../shared/protocol/index.js';
import type { StoredSession, StoredUser } from '../store.js';
import type { Reads } from './reads.js';

export class Accounts {
  private readonly statements;
  private readonly transactions;

  constructor(
    db: Database.Database,
    private readonly reads: Reads,
  ) {
    this.statements = {
      addSession: db.prepare('INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)'),
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
      getUser: db.prepare<[string], { id: string; name: string; image: number; created_at: number }>(
        'SELECT id, name, image, created_at FROM users WHERE id = ?',
      ),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      addUser: db.transaction((user: User, createdAt: number) => {
        const { changes } = this.statements.addUser.run(user.id, user.name, user.image, createdAt);
        // A newcomer has read the lobby up to now: its past is not "unread" to them.
        if (changes === 1) this.reads.ensureRoomReadMarker(user.id, LOBBY);
      }),
    };
  }

  addUser(user: User, createdAt: number): void {
    this.transactions.addUser(user, createdAt);
  }

  getUser(id: string): StoredUser | undefined {
    const row = this.statements.getUser.get(id);
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
  }

  addSession(id: string, userId: string, createdAt: number): void {
    this.statements.addSession.run(id, userId, createdAt);
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
