// The checkpoint worker: a thread that folds the store's write-ahead log into the database file,
// so that no commit on the event loop has to (see Checkpointer below).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker folds the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;
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
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    clearInterval(timer);
    fail(error);
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
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

  constructor(file: string, onStop: (reason: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The source is CommonJS whatever the parent was started with (`--input-type=module` would apply to it).
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
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
