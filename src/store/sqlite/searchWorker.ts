// The search worker: a thread with its own read-only connection to the store's file (WAL lets it
// read while the event loop writes), running one search at a time under a time budget, so that no
// search holds up message delivery (see SearchWorker below).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SearchRefused } from '../store.js';
import type { MessageRow } from '../rows.js';
import { SEARCH_SQL, type SearchJob } from './searchQuery.js';
import { workerExecArgv } from './workerArgs.js';

/** A statement stuck inside SQLite never reads the clock: this long past its budget, the thread is ended. */
const GRACE_MS = 1000;
/** How long close() waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 2000;

/**
 * The worker's code. A string, so that it runs as it is under Node, from src/ in the tests and
 * from dist/ alike (as the checkpoint worker's does). `fold` is the case folding of FTS5's trigram
 * tokenizer (Unicode simple case folding): lower case, and the few letters whose folding is not
 * their lower case. `search_in_time` reads the clock every 256 rows and ends the statement past
 * the deadline; a search that does is answered `late`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const FOLDED = {
  '\\u00b5': '\\u03bc', '\\u0345': '\\u03b9', '\\u03c2': '\\u03c3', '\\u03d0': '\\u03b2', '\\u03d1': '\\u03b8',
  '\\u03d5': '\\u03c6', '\\u03d6': '\\u03c0', '\\u03f0': '\\u03ba', '\\u03f1': '\\u03c1', '\\u03f5': '\\u03b5',
  '\\u1e9b': '\\u1e61', '\\u1fbe': '\\u03b9',
};
const UNFOLDED = /[\\u00b5\\u0345\\u03c2\\u03d0\\u03d1\\u03d5\\u03d6\\u03f0\\u03f1\\u03f5\\u1e9b\\u1fbe]/g;
const fold = (text) => {
  const lower = text.toLowerCase();
  return lower.search(UNFOLDED) === -1 ? lower : lower.replace(UNFOLDED, (c) => FOLDED[c]);
};
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
let deadline = 0;
let rows = 0;
let late = false;
db.function('search_in_time', () => {
  if ((rows++ & 255) === 0 && Date.now() > deadline) {
    late = true;
    throw new Error('search took too long');
  }
  return 1;
});
db.function('search_contains', { deterministic: true }, (data, needle) => (fold(data).includes(needle) ? 1 : 0));
const sql = workerData.sql;
const statements = {
  indexedUpTo: db.prepare(sql.indexedUpTo).pluck(),
  tail: db.prepare(sql.tail),
  indexed: db.prepare(sql.indexed),
  recent: db.prepare(sql.recent),
};
// One read transaction: what the index has and what lies beyond it are read from the same snapshot.
const read = db.transaction((job) => {
  const params = { rooms: job.rooms, dmsOf: job.dmsOf, needle: fold(job.text) };
  if (job.path === 'recent') return statements.recent.all({ ...params, window: job.window, limit: job.limit });
  const upTo = statements.indexedUpTo.get() ?? 0;
  const found = statements.tail.all({ ...params, upTo, limit: job.limit });
  if (found.length < job.limit) {
    found.push(...statements.indexed.all({ ...params, match: job.match, upTo, limit: job.limit - found.length }));
  }
  return found;
});
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
    parentPort.close();
    return;
  }
  deadline = message.deadline;
  rows = 0;
  late = false;
  try {
    parentPort.postMessage({ id: message.id, rows: read(message.job) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, late, error: String(error && error.message ? error.message : error) });
  }
});
`;

type Reply = { id: number; rows: MessageRow[] } | { id: number; late: boolean; error: string };

interface Thread {
  worker: Worker;
  /** Set to 1 by the worker once its connection is closed. */
  closed: Int32Array;
}

interface Pending {
  id: number;
  job: SearchJob;
  resolve(rows: MessageRow[]): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

export interface SearchWorkerOptions {
  /** A search's time budget; past it, it is answered with SearchRefused('timeout'). */
  timeoutMs: number;
  /** Searches that may wait while one runs; one more is refused at once (SearchRefused('busy')). */
  queueLength: number;
  /** How long past the budget a search that has not answered waits before its thread is ended. */
  graceMs?: number;
}

/**
 * Runs searches on a thread of their own, one at a time, in the order they came, with a bounded
 * queue. The thread starts with the first search and is ended when a search runs past its budget
 * (a statement that never reached the clock) or when it dies; the next search starts a new one, so
 * a crash costs one answer, never the process. It keeps the process alive only while a search
 * runs; close() ends it.
 */
export class SearchWorker {
  private thread: Thread | undefined;
  private running: Pending | undefined;
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly options: SearchWorkerOptions,
  ) {}

  /** The running thread's id, if one runs (a new thread has a new id). */
  get threadId(): number | undefined {
    return this.thread?.worker.threadId;
  }

  run(job: SearchJob): Promise<MessageRow[]> {
    if (this.closed) return Promise.reject(new SearchRefused('unavailable', 'the store is closed'));
    if (this.running && this.waiting.length >= this.options.queueLength) return Promise.reject(new SearchRefused('busy'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, job, resolve, reject });
      this.next();
    });
  }

  /** Stops the thread and waits (synchronously, briefly) until it has closed its connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const search of [this.running, ...this.waiting.splice(0)]) {
      if (!search) continue;
      clearTimeout(search.timer);
      search.reject(new SearchRefused('unavailable', 'the store is closing'));
    }
    this.running = undefined;
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return;
    thread.worker.postMessage({ close: true });
    Atomics.wait(thread.closed, 0, 0, CLOSE_WAIT_MS);
    void thread.worker.terminate();
  }

  private next(): void {
    if (this.running || this.closed) return;
    const search = this.waiting.shift();
    if (!search) return;
    this.running = search;
    let thread: Thread;
    try {
      thread = this.thread ??= this.start();
    } catch (error) {
      // No thread could be made (out of memory, say): this search is refused, the next one tries again.
      return this.finish(search, new SearchRefused('unavailable', `no search worker: ${String(error)}`));
    }
    // Kept alive while it has a search to answer, and only then.
    thread.worker.ref();
    // The budget starts when the search does, not while it waits.
    thread.worker.postMessage({ id: search.id, job: search.job, deadline: Date.now() + this.options.timeoutMs });
    search.timer = setTimeout(() => this.abandon(new SearchRefused('timeout')), this.options.timeoutMs + (this.options.graceMs ?? GRACE_MS));
    search.timer.unref();
  }

  private finish(search: Pending, outcome: MessageRow[] | Error): void {
    clearTimeout(search.timer);
    this.running = undefined;
    if (outcome instanceof Error) search.reject(outcome);
    else search.resolve(outcome);
    this.next();
    if (!this.running) this.thread?.worker.unref();
  }

  /** Ends the thread (a statement inside SQLite goes on until it returns, then the thread stops) and its search. */
  private abandon(error: Error): void {
    const thread = this.thread;
    this.thread = undefined;
    if (thread) void thread.worker.terminate();
    if (this.running) this.finish(this.running, error);
  }

  private start(): Thread {
    const closed = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: workerExecArgv(),
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.file, sql: SEARCH_SQL, closed },
    });
    worker.unref();
    const thread: Thread = { worker, closed };
    worker.on('message', (reply: Reply) => {
      const search = this.running;
      if (this.thread !== thread || !search || reply.id !== search.id) return;
      if ('rows' in reply) this.finish(search, reply.rows);
      // Anything else a statement throws is a fault of ours: a plain error, answered 500 and logged.
      else this.finish(search, reply.late ? new SearchRefused('timeout') : new Error(`search failed: ${reply.error}`));
    });
    const gone = (reason: string) => {
      if (this.thread === thread) this.abandon(new SearchRefused('unavailable', reason));
    };
    worker.on('error', (error) => gone(`the search worker failed: ${error instanceof Error ? error.message : String(error)}`));
    worker.on('exit', (code) => gone(`the search worker exited with code ${code}`));
    return thread;
  }
}
