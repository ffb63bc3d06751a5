// What one search runs, as SQL and parameters: built here on the event loop, run by the search
// worker (searchWorker.ts) on a connection of its own. Every statement stops early (LIMIT, newest
// first) and calls two functions the worker defines: `search_in_time()`, which ends the statement
// once its time budget is spent, and `search_contains(data, needle)`, the case-insensitive test of
// the whole text (the needle is the query folded the same way, by the worker).
import type { SearchScope } from '../store.js';
import { isShortSearch, RECENT_WINDOW, TRIGRAM } from '../bounds.js';
// Search results carry no reply quotes: the rows are read without the joins that make them.
import { SELECTED_WITHOUT_REPLY as SELECTED, WITH_USERS_WITHOUT_REPLY as WITH_USERS } from '../rows.js';

/**
 * Distinct trigrams of one query looked up in the index, at most. Each costs a pass over its list
 * of messages, so 200 × `a` (one trigram, 198 times in a phrase) used to cost 198 passes; the
 * candidates they leave are then checked against the whole text, which no index pass can skip.
 */
export const MAX_SEARCH_TRIGRAMS = 12;

/** Search scope as SQL: @rooms (a JSON array of names), @dmsOf the user whose DMs count (or null). */
const IN_SCOPE = `(m.room IN (SELECT value FROM json_each(@rooms))
  OR (m.room IS NULL AND @dmsOf IS NOT NULL AND (m.user_id = @dmsOf OR m.to_id = @dmsOf)))`;

/** The id of the @window-th newest message matching `where` (0 when there are fewer), through an index. */
const windowFloor = (where: string) => `coalesce((SELECT id FROM messages WHERE ${where} ORDER BY id DESC LIMIT 1 OFFSET @window - 1), 0)`;

export const SEARCH_SQL = {
  indexedUpTo: 'SELECT indexed_up_to FROM search_state WHERE one = 1',
  /** Messages the index does not have yet (newer than @upTo), read straight from the table. */
  tail: `SELECT ${SELECTED} FROM messages m ${WITH_USERS}
    WHERE m.id > @upTo AND search_in_time() AND ${IN_SCOPE} AND search_contains(m.data, @needle)
    ORDER BY m.id DESC LIMIT @limit`,
  /** Messages holding every trigram of @match (an FTS5 query), then checked against the whole text. */
  indexed: `SELECT ${SELECTED} FROM messages_fts f JOIN messages m ON m.id = f.rowid ${WITH_USERS}
    WHERE messages_fts MATCH @match AND f.rowid <= @upTo AND search_in_time() AND ${IN_SCOPE}
      AND search_contains(m.data, @needle)
    ORDER BY f.rowid DESC LIMIT @limit`,
  /** The newest @window messages of each room in scope, of the DMs sent and of those received. */
  recent: `WITH recent(id) AS (
      SELECT m.id FROM json_each(@rooms) r JOIN messages m ON m.room = r.value AND m.id >= ${windowFloor('room = r.value')}
      UNION SELECT id FROM messages WHERE room IS NULL AND user_id = @dmsOf
        AND id >= ${windowFloor('room IS NULL AND user_id = @dmsOf')}
      UNION SELECT id FROM messages WHERE room IS NULL AND to_id = @dmsOf
        AND id >= ${windowFloor('room IS NULL AND to_id = @dmsOf')}
    )
    SELECT ${SELECTED} FROM recent JOIN messages m ON m.id = recent.id ${WITH_USERS}
    WHERE search_in_time() AND search_contains(m.data, @needle)
    ORDER BY m.id DESC LIMIT @limit`,
} as const;

/** One search as the worker takes it: `indexed` reads the tail and the index, `recent` the windows. */
export interface SearchJob {
  path: 'indexed' | 'recent';
  /** The query as typed (trimmed); the worker folds it into the needle. */
  text: string;
  rooms: string;
  dmsOf: string | null;
  limit: number;
  /** `indexed`: the FTS5 query. */
  match?: string;
  /** `recent`: messages per room or DM direction. */
  window?: number;
}

/**
 * The text's distinct trigrams, in order. Not lower-cased here: the index folds case itself, and
 * toLowerCase can change the characters (İ becomes i and a combining dot) where it does not.
 */
export function trigrams(text: string): string[] {
  const chars = Array.from(text);
  const seen = new Set<string>();
  for (let i = 0; i + TRIGRAM <= chars.length; i++) seen.add(chars.slice(i, i + TRIGRAM).join(''));
  return [...seen];
}

/**
 * The FTS5 query for a text of 3 or more characters: up to MAX_SEARCH_TRIGRAMS of its distinct
 * trigrams, spread over it, each quoted (operators and punctuation are plain characters), all required.
 */
export function ftsQuery(text: string): string {
  const all = trigrams(text);
  const picked =
    all.length <= MAX_SEARCH_TRIGRAMS
      ? all
      : Array.from({ length: MAX_SEARCH_TRIGRAMS }, (_, i) => all[Math.round((i * (all.length - 1)) / (MAX_SEARCH_TRIGRAMS - 1))] as string);
  return picked.map((gram) => `"${gram.replaceAll('"', '""')}"`).join(' AND ');
}

/** The job for a search: the index for 3 characters or more, the recent windows below that. */
export function searchJob(text: string, scope: SearchScope, limit: number): SearchJob {
  const base = { text, rooms: JSON.stringify(scope.rooms), dmsOf: scope.dmsOf ?? null, limit };
  return isShortSearch(text) ? { ...base, path: 'recent', window: RECENT_WINDOW } : { ...base, path: 'indexed', match: ftsQuery(text) };
}
