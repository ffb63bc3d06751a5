// Search: the FTS5 trigram index over message text (see SEARCH_SCHEMA in schema.ts), filled in
// bulk in the background a chunk at a time rather than on the send path, and the search itself,
// handed to the search worker (searchWorker.ts) so that it never runs on the event loop.
import type Database from 'better-sqlite3';
import { inSteps, type Steps } from '../../background.js';
import type { SearchResult } from '../../shared/protocol/index.js';
import { SEARCH_QUEUE_LENGTH } from '../bounds.js';
import { toSearchResult, type MessageRow } from '../rows.js';
import type { SearchScope } from '../store.js';
import { searchJob } from './searchQuery.js';
import { SearchWorker } from './searchWorker.js';

/** Messages still to index are indexed at least this often (and a few before each search). */
const SEARCH_INDEX_INTERVAL_MS = 1000;
/**
 * Messages indexed in one go in the background (about half a millisecond of trigram indexing);
 * a longer backlog goes on in the next turn of the event loop, so that sockets are written in between.
 */
const SEARCH_INDEX_CHUNK = 64;
/**
 * Messages indexed on the event loop before a search, at most (a few ms): the worker reads any
 * further backlog from the table itself, so what was said a moment ago is found either way.
 */
const SEARCH_CATCH_UP = 4 * SEARCH_INDEX_CHUNK;
/**
 * Pages of the index merged by each indexing pass: FTS5's own merging, all at once inside
 * whichever insert tips a level over, is off (see SEARCH_MERGING in schema.ts).
 */
const SEARCH_MERGE_PAGES = 8;

export class Search {
  private readonly statements;
  private readonly transactions;
  private indexing: Steps | undefined;
  private readonly worker: SearchWorker;

  constructor(
    private readonly db: Database.Database,
    file: string,
    timeoutMs: number,
    /** Ends the turn's reads before indexing writes (SqliteEngine.endReading). */
    private readonly endReading: () => void,
  ) {
    this.worker = new SearchWorker(file, { timeoutMs, queueLength: SEARCH_QUEUE_LENGTH });
    this.statements = {
      searchIndexedUpTo: db.prepare<[], { indexed_up_to: number }>('SELECT indexed_up_to FROM search_state WHERE one = 1'),
      setSearchIndexedUpTo: db.prepare<[number]>('UPDATE search_state SET indexed_up_to = ? WHERE one = 1'),
      indexMessages: db.prepare<[number, number]>(
        'INSERT INTO messages_fts (rowid, data) SELECT id, data FROM messages WHERE id > ? AND id <= ? ORDER BY id',
      ),
      mergeIndex: db.prepare<[number]>("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)"),
      lastId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM messages'),
      nthAfter: db.prepare<[number, number], { id: number }>('SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?'),
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
    // New messages every second, a chunk per turn of the event loop while there is a backlog.
    this.indexing ??= inSteps(() => this.db.open && this.indexPending(SEARCH_INDEX_CHUNK) >= SEARCH_INDEX_CHUNK, SEARCH_INDEX_INTERVAL_MS);
  }

  /** Stops the background indexing and the search worker (searches waiting are refused). */
  stop(): void {
    this.indexing?.stop();
    this.worker.close();
  }

  /**
   * Adds the messages not yet in the search index (all of them, or the first `limit`), in one
   * statement; returns how many. Runs on open (after a crash), and a bounded catch-up before each search.
   */
  indexPending(limit = Infinity): number {
    this.endReading();
    return this.transactions.indexPending(limit);
  }

  async search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]> {
    // Whatever was said a moment ago is found too: indexed here when it is a little, read by the worker beyond that.
    if (this.db.open) this.indexPending(SEARCH_CATCH_UP);
    const rows = await this.worker.run(searchJob(text, scope, limit));
    return rows.map((row: MessageRow) => toSearchResult(row, scope.dmsOf));
  }
}
