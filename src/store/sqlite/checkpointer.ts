// The checkpoint worker: a thread that folds the store's write-ahead log into the database file,
// so that no commit on the event loop has to (see Checkpointer below).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from './workerArgs.js';

/** How often the worker folds the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;
/** How often it looks at the log's size (a stat, off the event loop), so that a flood is caught early. */
const SIZE_CHECK_MS = 50;
/**
 * The most the write-ahead log may hold. A PASSIVE checkpoint copies what is in the log without
 * stopping the writer, but the log only starts over once a checkpoint has caught up with every
 * commit: under writes that never pause it never does, and the file grows for ever. Past this
 * size the worker says so, and the store takes a TRUNCATE checkpoint on its own connection
 * between two commits (see `onOverLimit`): a moment to copy the rest (most of it is copied
 * already), and the file is empty again. From the worker, the same checkpoint would wait for a
 * gap between commits that a busy writer never leaves.
 */
export const WAL_LIMIT_BYTES = 32 * 1024 * 1024;
/** How long close() waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 2000;

/**
 * The worker's code. A string, so that it runs as it is under Node, from src/ in the tests and
 * from dist/ alike; it loads the same better-sqlite3 the store uses. A PASSIVE checkpoint never
 * waits for the store's readers or writer and never takes the write lock.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// A SqliteError reaches the parent as a bare object with its code only: say it as a plain Error.
const fail = (error) => {
  throw new Error(\`\${error && error.message ? error.message : error}\${error && error.code ? \` (\${error.code})\` : ''}\`);
};
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
} catch (error) {
  fail(error);
}
const fs = require('node:fs');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    clearInterval(timer);
    fail(error);
  }
}, workerData.intervalMs);
const sizer = setInterval(() => {
  let size = 0;
  try {
    size = fs.statSync(workerData.file + '-wal').size;
  } catch {}
  if (size > workerData.walLimitBytes) parentPort.postMessage('over-limit');
}, workerData.sizeCheckMs);
parentPort.once('message', () => {
  clearInterval(timer);
  clearInterval(sizer);
  db.close();
  Atomics.store(workerData.closed, 0, 1);
  Atomics.notify(workerData.closed, 0);
  parentPort.close();
});
`;

/**
 * Checkpoints of a WAL database on a thread of their own. SQLite's automatic checkpoint runs
 * inside a commit, on the event loop: every thousand pages one commit also copied them into the
 * database file and waited for two fsyncs, 5 to 10 ms in which no socket was written. Here they
 * happen beside the event loop; `onStop` hears when the worker is gone without being asked (it
 * could not open the file, or a checkpoint failed), so that the store can take them back.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));
  private closing = false;
  private running = true;

  constructor(
    file: string,
    onStop: (reason: string) => void,
    /** The log has grown past `walLimitBytes`: the writer should empty it. */
    onOverLimit: () => void,
    walLimitBytes = WAL_LIMIT_BYTES,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: workerExecArgv(),
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        sizeCheckMs: SIZE_CHECK_MS,
        walLimitBytes,
        closed: this.closed,
      },
    });
    // Neither a test nor the server waits on it: the store's close() ends it.
    this.worker.unref();
    const stopped = (reason: string) => {
      if (!this.running) return;
      this.running = false;
      if (!this.closing) onStop(reason);
    };
    this.worker.on('error', (error) => stopped(`the checkpoint worker failed: ${error instanceof Error ? error.message : String(error)}`));
    this.worker.on('exit', (code) => stopped(`the checkpoint worker exited with code ${code}`));
    this.worker.on('message', (message) => {
      if (message === 'over-limit' && !this.closing) onOverLimit();
    });
  }

  /**
   * Stops the worker and waits (synchronously, briefly) until it has closed its connection, so
   * that the store's own close is the last one and removes the log.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (!this.running) return;
    this.worker.postMessage('close');
    Atomics.wait(this.closed, 0, 0, CLOSE_WAIT_MS);
    void this.worker.terminate();
  }
}
