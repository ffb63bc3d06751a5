// Search: the FTS5 trigram index over message text (see SEARCH_SCHEMA in schema.ts), filled in
// bulk in the background a chunk at a time rather than on the send path, and the search itself.
import type Database from 'better-sqlite3';
import type { SearchResult, User } from '../../shared/protocol/index.js';
import type { SearchScope } from '../store.js';
import { MESSAGE_COLUMNS, SELECTED, WITH_USERS, type MessageRow } from './rows.js';

/** Messages still to index are indexed at least this often (and always before a search). */
const SEARCH_INDEX_INTERVAL_MS = 1000;
/**
 * Messages indexed in one go in the background (about half a millisecond of trigram indexing);
 * a longer backlog goes on in the next turn of the event loop, so that sockets are written in between.
 */
const SEARCH_INDEX_CHUNK = 64;
/**
 * Pages of the index merged by each indexing pass: FTS5's own merging, all at once inside
 * whichever insert tips a level over, is off (see SEARCH_MERGING in schema.ts).
 */
const SEARCH_MERGE_PAGES = 8;

/** The trigram index cannot match fewer characters than this; shorter searches take the LIKE path. */
const TRIGRAM = 3;

/** Search scope as SQL: @rooms (a JSON array of names), @dmsOf the user whose DMs count (or null). */
const IN_SCOPE = `(m.room IN (SELECT value FROM json_each(@rooms))
  OR (m.room IS NULL AND @dmsOf IS NOT NULL AND (m.user_id = @dmsOf OR m.to_id = @dmsOf)))`;

interface SearchParams {
  rooms: string;
  dmsOf: string | null;
  text: string;
  limit: number;
}

/** The text as a LIKE pattern that matches it literally anywhere (escape character: backslash). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The text as one FTS5 phrase: quoted, so operators and punctuation in it are plain characters. */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

export class Search {
  private readonly statements;
  private readonly transactions;
  private indexTimer: NodeJS.Timeout | undefined;
  private indexing = false;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      searchIndexedUpTo: db.prepare<[], { indexed_up_to: number }>('SELECT indexed_up_to FROM search_state WHERE one = 1'),
      setSearchIndexedUpTo: db.prepare<[number]>('UPDATE search_state SET indexed_up_to = ? WHERE one = 1'),
      indexMessages: db.prepare<[number, number]>(
        'INSERT INTO messages_fts (rowid, data) SELECT id, data FROM messages WHERE id > ? AND id <= ? ORDER BY id',
      ),
      mergeIndex: db.prepare<[number]>("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)"),
      lastId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM messages'),
      nthAfter: db.prepare<[number, number], { id: number }>('SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?'),
      searchIndexed: db.prepare<[SearchParams], MessageRow>(
        `SELECT ${SELECTED} FROM messages_fts f JOIN messages m ON m.id = f.rowid ${WITH_USERS}
         WHERE messages_fts MATCH @text AND ${IN_SCOPE}
         ORDER BY f.rowid DESC LIMIT @limit`,
      ),
      searchScan: db.prepare<[SearchParams], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS}
         WHERE m.data LIKE @text ESCAPE '\\' AND ${IN_SCOPE}
         ORDER BY m.id DESC LIMIT @limit`,
      ),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      indexPending: db.transaction((limit: number): number => {
        const upTo = this.statements.searchIndexedUpTo.get()?.indexed_up_to ?? 0;
        const newest = this.statements.lastId.get()?.id ?? 0;
        if (newest <= upTo) return 0;
        const last = Number.isFinite(limit) ? (this.statements.nthAfter.get(upTo, limit - 1)?.id ?? newest) : newest;
        const { changes } = this.statements.indexMessages.run(upTo, last);
        this.statements.setSearchIndexedUpTo.run(last);
        this.statements.mergeIndex.run(SEARCH_MERGE_PAGES);
        return changes;
      }),
    };
  }

  /** Messages a crash left unindexed are indexed now; new ones in bulk every second, a chunk per turn. */
  start(): void {
    this.indexPending();
    this.indexTimer ??= setInterval(() => this.indexInBackground(), SEARCH_INDEX_INTERVAL_MS);
    this.indexTimer.unref();
  }

  stop(): void {
    clearInterval(this.indexTimer);
  }

  /**
   * Adds the messages not yet in the search index (all of them, or the first `limit`), in one
   * statement; returns how many. Runs on open (after a crash) and before each search.
   */
  indexPending(limit = Infinity): number {
    return this.transactions.indexPending(limit);
  }

  /** Every SEARCH_INDEX_INTERVAL_MS: the backlog, a chunk per turn of the event loop. */
  private indexInBackground(): void {
    if (this.indexing || !this.db.open) return;
    if (this.indexPending(SEARCH_INDEX_CHUNK) < SEARCH_INDEX_CHUNK) return;
    this.indexing = true;
    setImmediate(() => {
      this.indexing = false;
      this.indexInBackground();
    }).unref();
  }

  search(text: string, scope: SearchScope, limit: number): SearchResult[] {
    // Whatever was said a moment ago is found too.
    this.indexPending();
    const dmsOf = scope.dmsOf ?? null;
    const params = { rooms: JSON.stringify(scope.rooms), dmsOf, limit };
    const rows =
      Array.from(text).length >= TRIGRAM
        ? this.statements.searchIndexed.all({ ...params, text: ftsPhrase(text) })
        : this.statements.searchScan.all({ ...params, text: containsPattern(text) });
    return rows.map((row): SearchResult => {
      const user: User = { id: row.user_id, name: row.user_name, image: row.user_image };
      const hit = { id: row.id, user, data: row.data, ts: row.ts };
      if (row.room !== null) return { ...hit, room: row.room };
      return { ...hit, with: row.user_id === dmsOf ? (row.to_id ?? '') : row.user_id };
    });
  }
}
