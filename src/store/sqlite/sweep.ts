// Upkeep of users and sessions, a small bounded batch per call: expired sessions go, and so do
// guests nobody can be any more who left nothing behind (no message, no DM); a user with a
// password (a claimed name) is never one of them. No index is needed:
// sessions are read in insertion (rowid) order, users a slice at a time by id, and who wrote or
// received a message comes from a list this connection builds by reading the messages once.
import type Database from 'better-sqlite3';
import { SWEEP_LIMITS } from '../bounds.js';
import type { SweepCounts } from '../store.js';


/** The columns that point at a user, each as a `table.column`. */
type Reference = `${string}.${string}`;

/** Deleted with the user they belong to. */
const OWNED: readonly Reference[] = ['sessions.user_id', 'reads.user_id', 'memberships.user_id', 'held_names.user_id', 'sign_in_addresses.user_id'];
/** Answered by the list of people messages name. */
const IN_MESSAGES: readonly Reference[] = ['messages.user_id', 'messages.to_id'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class AccountSweep {
  /** Messages up to this id have their people in `temp.message_users`. */
  private listedUpTo = 0;
  /** Users are looked at in id order from after this one; '' starts a new pass. */
  private cursor = '';
  private readonly statements;
  /** Any other column pointing at users (a later migration's): a user it names is kept. */
  private readonly otherReferences: Database.Statement<[string]>[];
  private readonly removeUsers: Database.Transaction<(ids: string[]) => void>;

  constructor(private readonly db: Database.Database) {
    // The connection's own scratch table, in its temporary database: never in the file.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS message_users (user_id TEXT PRIMARY KEY) WITHOUT ROWID');
    this.statements = {
      expiredSessions: db.prepare<[number, number]>(
        'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions ORDER BY rowid LIMIT ?) AND created_at <= ?',
      ),
      // Moderation's blocks that ran out: nothing reads them any more.
      expiredBlocks: db.prepare<[number, number]>(
        'DELETE FROM blocked_addresses WHERE address IN (SELECT address FROM blocked_addresses WHERE until <= ? LIMIT ?)',
      ),
      lastMessage: db.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) AS id FROM messages'),
      listPeople: db.prepare<{ from: number; to: number }>(
        `INSERT OR IGNORE INTO temp.message_users (user_id)
           SELECT user_id FROM messages WHERE id > @from AND id <= @to
           UNION ALL SELECT to_id FROM messages WHERE id > @from AND id <= @to AND to_id IS NOT NULL`,
      ),
      users: db.prepare<[string, number], { id: string; created_at: number; claimed: number }>(
        'SELECT id, created_at, password IS NOT NULL AS claimed FROM users WHERE id > ? ORDER BY id LIMIT ?',
      ),
      liveSession: db.prepare<[string, number]>('SELECT 1 FROM sessions WHERE user_id = ? AND created_at > ? LIMIT 1'),
      inMessages: db.prepare<[string]>('SELECT 1 FROM temp.message_users WHERE user_id = ?'),
      conversation: db.prepare<[string]>('SELECT 1 FROM conversations WHERE user_id = ? LIMIT 1'),
    };
    const references = db
      .prepare<[], { tbl: string; col: string }>(
        `SELECT m.name AS tbl, f."from" AS col FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f."table" = 'users'`,
      )
      .all()
      .map(({ tbl, col }) => ({ tbl, col, ref: `${tbl}.${col}` as Reference }));
    this.otherReferences = references
      .filter(({ ref }) => !OWNED.includes(ref) && !IN_MESSAGES.includes(ref))
      .map(({ tbl, col }) => db.prepare<[string]>(`SELECT 1 FROM ${quote(tbl)} WHERE ${quote(col)} = ? LIMIT 1`));
    const owned = OWNED.map((ref) => {
      const [tbl, col] = ref.split('.') as [string, string];
      return db.prepare<[string]>(`DELETE FROM ${quote(tbl)} WHERE ${quote(col)} = ?`);
    });
    const deleteUser = db.prepare<[string]>('DELETE FROM users WHERE id = ?');
    this.removeUsers = db.transaction((ids: string[]) => {
      for (const id of ids) {
        for (const statement of owned) statement.run(id);
        deleteUser.run(id);
      }
    });
  }

  /**
   * One bounded step (SWEEP_LIMITS) of the upkeep. Sessions created before `now - maxAgeMs` are no
   * identity any more and go. A user goes when everything below holds: made before then, no
   * session since then (so no cookie of theirs can work again), no password (a claimed name is
   * kept for good), named by no message (sent or received: `temp.message_users` must have every
   * message first) and by no other table; the name they held, if any, is free with them.
   * Nothing is done while a group-commit batch is open: the next call does it.
   */
  sweep(now: number, maxAgeMs: number): SweepCounts {
    const counts = { sessions: 0, users: 0, more: false };
    if (this.db.inTransaction) return counts;
    const cutoff = now - maxAgeMs;
    counts.sessions = this.statements.expiredSessions.run(SWEEP_LIMITS.sessions, cutoff).changes;
    const blocks = this.statements.expiredBlocks.run(now, SWEEP_LIMITS.sessions).changes;
    counts.more = counts.sessions === SWEEP_LIMITS.sessions || blocks === SWEEP_LIMITS.sessions;
    if (!this.listPeople()) return { ...counts, more: true };
    const gone = this.nextGone(cutoff);
    counts.more ||= gone.length === SWEEP_LIMITS.removals;
    if (gone.length === 0) return counts;
    // The rows pointing at each user were just checked, the few owned ones go with it: SQLite's own
    // check would read every message per user (no index on messages.user_id or messages.to_id).
    this.db.pragma('foreign_keys = OFF');
    try {
      this.removeUsers(gone);
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
    counts.users = gone.length;
    return counts;
  }

  /** Reads the next messages' people into the list; true once it has every message. */
  private listPeople(): boolean {
    const last = this.statements.lastMessage.get()?.id ?? 0;
    if (this.listedUpTo < last) {
      const to = Math.min(last, this.listedUpTo + SWEEP_LIMITS.messages);
      this.statements.listPeople.run({ from: this.listedUpTo, to });
      this.listedUpTo = to;
    }
    return this.listedUpTo >= last;
  }

  /** The next users (at most SWEEP_LIMITS.removals) who can go, looking on from where the last call stopped. */
  private nextGone(cutoff: number): string[] {
    const rows = this.statements.users.all(this.cursor, SWEEP_LIMITS.users);
    const gone: string[] = [];
    let last = '';
    for (const row of rows) {
      last = row.id;
      if (row.created_at <= cutoff && row.claimed === 0 && this.leftNothing(row.id, cutoff)) gone.push(row.id);
      if (gone.length === SWEEP_LIMITS.removals) break;
    }
    // Past the last user: the next pass starts from the first again.
    this.cursor = gone.length < SWEEP_LIMITS.removals && rows.length < SWEEP_LIMITS.users ? '' : last;
    return gone;
  }

  private leftNothing(id: string, cutoff: number): boolean {
    const { liveSession, inMessages, conversation } = this.statements;
    if (liveSession.get(id, cutoff) || inMessages.get(id) || conversation.get(id)) return false;
    return this.otherReferences.every((statement) => statement.get(id) === undefined);
  }
}
