// The group commit on PostgreSQL: the writes made in one turn of the event loop run together in
// one transaction on one pooled client, committed on `setImmediate`, and each write's promise
// settles once that commit has (all of them reject when it fails). One transaction at a time: the
// writes made while a commit is under way wait and go together in the next, so ids are handed out
// in the order the writes were made, and transactions commit in that order too. Each transaction
// takes a client from the pool afresh, so after PostgreSQL went away and came back the next batch
// runs on a new connection; a batch that could not reach it rejects its own writes only (as
// StoreUnavailable), and the writes made after it try again.
import type pg from 'pg';
import { asUnavailable, rollback, storable, unreachable, type Queryable } from './pool.js';

/** A write's statements, run on the client of the transaction it is part of. */
export type Work<T> = (tx: Queryable) => Promise<T>;

interface Write {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private waiting: Write[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  /** Runs `work` in the next transaction; resolves with its result once that transaction is committed. */
  write<T>(work: Work<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Waits until every write made so far has been committed or has failed; no write is taken after. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.scheduled || this.running || this.waiting.length > 0) {
      await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.waiting.splice(0);
      if (batch.length === 0) return;
      this.running = this.commit(batch).finally(() => {
        this.running = undefined;
        if (this.waiting.length > 0) this.schedule();
      });
    });
  }

  /**
   * Commits a batch. Its writes run one after another, plainly; when one of them fails (a
   * constraint, say), the transaction is rolled back and run again with each write in a savepoint
   * of its own, so that the one that failed is undone alone and the others are kept. A failure of
   * the transaction itself (the COMMIT, the connection) rejects every write of it. A connection
   * lost during COMMIT leaves its outcome unknown: the writes reject, though they may have been kept.
   */
  private async commit(batch: Write[]): Promise<void> {
    let outcomes: Outcome[] | undefined;
    try {
      outcomes = (await this.transaction(batch, false)) ?? (await this.transaction(batch, true));
    } catch (error) {
      const reason = asUnavailable(error);
      for (const write of batch) write.reject(reason);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes?.[i];
      if (outcome?.ok) write.resolve(outcome.value);
      else write.reject(outcome ? asUnavailable(outcome.error) : new Error('write not run'));
    });
  }

  /**
   * The batch in one transaction on one client. Without savepoints: undefined as soon as a write
   * fails (everything is rolled back). With them: every write's outcome, the failed ones undone.
   */
  private async transaction(batch: Write[], savepoints: boolean): Promise<Outcome[] | undefined> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const outcomes: Outcome[] = [];
      for (const write of batch) {
        if (savepoints) {
          outcomes.push(await this.inSavepoint(client, write));
          continue;
        }
        try {
          outcomes.push({ ok: true, value: await write.work(storable(client)) });
        } catch (error) {
          broken = await rollback(client, error);
          // The server is away: the batch fails as a whole, rather than again write by write.
          if (unreachable(error)) throw error;
          return undefined;
        }
      }
      await client.query('COMMIT');
      return outcomes;
    } catch (error) {
      broken ??= await rollback(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async inSavepoint(client: pg.PoolClient, write: Write): Promise<Outcome> {
    await client.query('SAVEPOINT write');
    try {
      const value = await write.work(storable(client));
      await client.query('RELEASE SAVEPOINT write');
      return { ok: true, value };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT write');
      return { ok: false, error };
    }
  }
}
