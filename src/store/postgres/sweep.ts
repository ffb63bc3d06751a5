// Upkeep of users and sessions on PostgreSQL, a small bounded step per call (SWEEP_LIMITS), as on
// SQLite: expired sessions go, and so do guests nobody can be any more who left nothing behind (a
// user with a password, a claimed name, is kept).
// Whether anything names a user is asked of the indexes (messages by author and by recipient,
// conversations, and whatever else has a foreign key to users), in the transaction that removes
// them, with the users locked: a message or sign-in of theirs made meanwhile in another process
// waits for it, and then fails on its foreign key rather than leave a row naming no one.
import type pg from 'pg';
import { SWEEP_LIMITS } from '../bounds.js';
import type { SweepCounts } from '../store.js';
import { inTransaction } from './pool.js';

/** The columns that point at a user, each as a `table.column`. */
type Reference = `${string}.${string}`;

/** Deleted with the user they belong to. */
const OWNED: readonly Reference[] = ['sessions.user_id', 'reads.user_id', 'memberships.user_id', 'held_names.user_id', 'sign_in_addresses.user_id'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const SQL = {
  /** Moderation's blocks that ran out: nothing reads them any more. */
  expiredBlocks: `DELETE FROM blocked_addresses WHERE address IN (
    SELECT address FROM blocked_addresses WHERE until <= $1 LIMIT $2)`,
  expiredSessions: `DELETE FROM sessions WHERE id IN (
    SELECT id FROM sessions WHERE created_at <= $1 ORDER BY created_at LIMIT $2)`,
  users: 'SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2',
  /** Every foreign key to users, as table and column. */
  references: `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
    FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass`,
};

export class AccountSweep {
  /** Users are looked at in id order from after this one; '' starts a new pass. */
  private cursor = '';
  /** Which users of $1 (made before $2) can go, the first $3, locked; built once the foreign keys are known. */
  private gone: string | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * One bounded step of the upkeep. Sessions created before `now - maxAgeMs` are no identity any
   * more and go. A user goes when everything below holds: made before then, no session since then
   * (so no cookie of theirs can work again), no password, and named by no message, conversation or
   * other table; the name they held, if any, is free with them.
   */
  async sweep(now: number, maxAgeMs: number): Promise<SweepCounts> {
    const cutoff = now - maxAgeMs;
    const sessions = (await this.pool.query(SQL.expiredSessions, [cutoff, SWEEP_LIMITS.sessions])).rowCount ?? 0;
    const blocks = (await this.pool.query(SQL.expiredBlocks, [now, SWEEP_LIMITS.sessions])).rowCount ?? 0;
    const slice = (await this.pool.query<{ id: string }>(SQL.users, [this.cursor, SWEEP_LIMITS.users])).rows.map((row) => row.id);
    const gone = slice.length === 0 ? [] : await this.remove(slice, cutoff);
    // Past the last user: the next pass starts from the first again. Removals cut short: on from the last removed.
    const cutShort = gone.length === SWEEP_LIMITS.removals;
    this.cursor = cutShort ? (gone.at(-1) as string) : slice.length < SWEEP_LIMITS.users ? '' : (slice.at(-1) as string);
    return { sessions, users: gone.length, more: sessions === SWEEP_LIMITS.sessions || blocks === SWEEP_LIMITS.sessions || cutShort };
  }

  /** Removes those of `ids` who can go (at most SWEEP_LIMITS.removals), with what they own; returns them, in id order. */
  private async remove(ids: string[], cutoff: number): Promise<string[]> {
    const gone = (this.gone ??= await this.goneQuery());
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(gone, [ids, cutoff, SWEEP_LIMITS.removals]);
      const removed = rows.map((row) => row.id);
      if (removed.length === 0) return removed;
      for (const reference of OWNED) {
        const [table, column] = reference.split('.') as [string, string];
        await client.query(`DELETE FROM ${quote(table)} WHERE ${quote(column)} = ANY ($1::text[])`, [removed]);
      }
      await client.query('DELETE FROM users WHERE id = ANY ($1::text[])', [removed]);
      return removed;
    });
  }

  /** The statement that picks who can go: one NOT EXISTS per column naming users, each through an index. */
  private async goneQuery(): Promise<string> {
    const { rows } = await this.pool.query<{ tbl: string; col: string }>(SQL.references);
    const named = rows
      .filter(({ tbl, col }) => !OWNED.includes(`${tbl}.${col}`))
      .map(({ tbl, col }) => `NOT EXISTS (SELECT 1 FROM ${quote(tbl)} WHERE ${quote(col)} = u.id)`);
    return `SELECT u.id FROM users u
      WHERE u.id = ANY ($1::text[]) AND u.created_at <= $2 AND u.password IS NULL
        AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.created_at > $2)
        AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.user_id = u.id)
        ${named.map((test) => `AND ${test}`).join('\n        ')}
      ORDER BY u.id LIMIT $3 FOR UPDATE OF u`;
  }
}
