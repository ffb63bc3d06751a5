// The group commit on PostgreSQL: the writes made in one turn of the event loop run together in
// one transaction on one pooled client, committed on `setImmediate`, and each write's promise
// settles once that commit has (all of them reject when it fails). One transaction at a time: the
// writes made while a commit is under way wait and go together in the next, so ids are handed out
// in the order the writes were made, and transactions commit in that order too. Each transaction
// takes a client from the pool afresh, so after PostgreSQL went away and came back the next batch
// runs on a new connection; a batch that could not reach it rejects its own writes only (as
// StoreUnavailable), and the writes made after it try again. A batch that adds messages takes
// their ids first, all at once (messageIds.ts: why ids are dense and committed in id order across
// processes too).
import type pg from 'pg';
import { TakenIds } from './messageIds.js';
import { asUnavailable, rollback, storable, unreachable, type Queryable } from './pool.js';

/** A write's statements, run on the client of the transaction it is part of. */
export type Work<T> = (tx: Queryable) => Promise<T>;
/** A write that adds one message: its statements, given the message's id. */
export type MessageWork<T> = (tx: Queryable, id: number) => Promise<T>;

interface Write {
  work: (tx: Queryable, ids: TakenIds | undefined) => Promise<unknown>;
  /** It adds a message, and takes one id. */
  takesId: boolean;
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
    return this.enqueue((tx) => work(tx), false);
  }

  /** As `write`, for a write that adds one message: `work` gets the message's id (see messageIds.ts). */
  writeMessage<T>(work: MessageWork<T>): Promise<T> {
    return this.enqueue((tx, ids) => work(tx, (ids as TakenIds).peek()), true);
  }

  private enqueue<T>(work: Write['work'], takesId: boolean): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, takesId, resolve: resolve as (value: unknown) => void, reject });
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
      // The ids of the batch's messages, before any other statement of it (see messageIds.ts).
      const messages = batch.filter((write) => write.takesId).length;
      const ids = messages > 0 ? await TakenIds.take(client, messages) : undefined;
      const outcomes: Outcome[] = [];
      for (const write of batch) {
        if (savepoints) {
          outcomes.push(await this.inSavepoint(client, write, ids));
          continue;
        }
        try {
          outcomes.push({ ok: true, value: await write.work(storable(client), ids) });
          if (write.takesId) ids?.used();
        } catch (error) {
          broken = await rollback(client, error);
          // The server is away: the batch fails as a whole, rather than again write by write.
          if (unreachable(error)) throw error;
          return undefined;
        }
      }
      // Only where a write failed in its savepoint: its id went to the next message, the last one is left over.
      await ids?.settle(client);
      await client.query('COMMIT');
      return outcomes;
    } catch (error) {
      broken ??= await rollback(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async inSavepoint(client: pg.PoolClient, write: Write, ids: TakenIds | undefined): Promise<Outcome> {
    await client.query('SAVEPOINT write');
    try {
      const value = await write.work(storable(client), ids);
      await client.query('RELEASE SAVEPOINT write');
      if (write.takesId) ids?.used();
      return { ok: true, value };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT write');
      return { ok: false, error };
    }
  }
}
