// Search on PostgreSQL: ILIKE '%text%' (case-insensitive, any part of the text, in any script),
// newest first, within the scope. Three characters or more go through the GIN trigram index of
// pg_trgm (messages_text); one or two, which no trigram can find, through a bounded window of the
// newest messages of each room and DM direction in scope, as on SQLite (see ../bounds.ts). The
// searches run on a small pool of their own whose connections end any statement past the time
// budget (SEARCH_TIMEOUT_MS, as PostgreSQL's statement_timeout), with a bounded queue.
import type pg from 'pg';
import type { SearchResult } from '../../shared/protocol/index.js';
import { isShortSearch, RECENT_WINDOW, SEARCH_QUEUE_LENGTH } from '../bounds.js';
// Search results carry no reply quotes: the rows are read without the joins that make them.
import { SELECTED_WITHOUT_REPLY as SELECTED, toSearchResult, WITH_USERS_WITHOUT_REPLY as WITH_USERS, type MessageRow } from '../rows.js';
import { SearchRefused, type SearchScope } from '../store.js';
import { along, withIds } from './messages.js';
import { asUnavailable, openPool, sqlState, storable, type Queryable } from './pool.js';

/** Searches running at once; up to SEARCH_QUEUE_LENGTH more wait for a connection. */
const SEARCH_CONNECTIONS = 2;
/** PostgreSQL's code for a statement cancelled, here by its statement_timeout. */
const QUERY_CANCELED = '57014';

/** The text as an ILIKE pattern that matches it anywhere: `%`, `_` and `\` in it stand for themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** $1 the pattern; $2 the rooms; $3 the user whose DMs count, or null; $4 how many at most; $5 the window. */
const IN_SCOPE = '(m.room = ANY ($2::text[]) OR (m.room IS NULL AND (m.user_id = $3 OR m.to_id = $3)))';

export const SEARCH_SQL = {
  /** Through the trigram index (or, for a text most messages hold, backwards along the ids until enough are found). */
  indexed: `SELECT ${SELECTED} FROM messages m ${WITH_USERS}
    WHERE m.data ILIKE $1 AND ${IN_SCOPE} ORDER BY m.id DESC LIMIT $4`,
  /**
   * The newest $5 messages of each room in scope, of the DMs sent and of those received (a message
   * with a recipient is a DM), then those of them holding the text, looked up by id.
   */
  recent: `${withIds(
    `SELECT w.id FROM (SELECT DISTINCT unnest($2::text[]) AS name) r
        CROSS JOIN LATERAL (SELECT id FROM messages WHERE ${along('room', 'r.name', '>', '0', 'DESC')} LIMIT $5) w
      UNION ALL SELECT id FROM (SELECT id FROM messages WHERE room IS NULL AND ${along('user_id', '$3', '>', '0', 'DESC')} LIMIT $5) f
      UNION ALL SELECT id FROM (SELECT id FROM messages WHERE ${along('to_id', '$3', '>', '0', 'DESC')} LIMIT $5) t`,
    'DESC',
    'm.data ILIKE $1',
  )} LIMIT $4`,
} as const;

/**
 * What is wrong with the database's character classes for search, if anything: with LC_CTYPE C
 * (or POSIX), ILIKE folds the case of ASCII letters only, and pg_trgm sees no letters outside
 * ASCII, so Chinese is found only by reading every message. Any UTF-8 LC_CTYPE has neither limit.
 */
export async function searchLocaleProblem(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ ctype: string }>('SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()');
  const ctype = rows[0]?.ctype ?? '';
  if (!/^(C|POSIX)$/i.test(ctype)) return undefined;
  return (
    `the database's LC_CTYPE is ${ctype}: search folds the case of ASCII letters only, and its trigram index cannot ` +
    'help with other scripts (Chinese among them); a database made with a UTF-8 LC_CTYPE (C.UTF-8, en_US.UTF-8) has neither limit'
  );
}

export class Search {
  private readonly pool: pg.Pool;
  private readonly db: Queryable;
  /** Searches running or waiting for a connection. */
  private pending = 0;
  private closed = false;

  constructor(url: string, timeoutMs: number) {
    this.pool = openPool(url, { max: SEARCH_CONNECTIONS, statementTimeoutMs: timeoutMs, name: 'chat search' });
    this.db = storable(this.pool);
  }

  async search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]> {
    if (this.closed) throw new SearchRefused('unavailable', 'the store is closed');
    if (this.pending >= SEARCH_CONNECTIONS + SEARCH_QUEUE_LENGTH) throw new SearchRefused('busy');
    this.pending++;
    try {
      const params = [containsPattern(text), scope.rooms, scope.dmsOf ?? null, limit];
      const { rows } = isShortSearch(text)
        ? await this.db.query<MessageRow>(SEARCH_SQL.recent, [...params, RECENT_WINDOW])
        : await this.db.query<MessageRow>(SEARCH_SQL.indexed, params);
      return rows.map((row) => toSearchResult(row, scope.dmsOf));
    } catch (error) {
      const state = sqlState(error);
      if (state === QUERY_CANCELED) throw new SearchRefused('timeout');
      if (this.closed) throw new SearchRefused('unavailable', `the store is closed: ${String(error)}`);
      // PostgreSQL away: answered as everything else is then (503, the store cannot be reached).
      throw asUnavailable(error);
    } finally {
      this.pending--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}
