// Why this file is long: the group commit is one piece of reasoning (a turn's writes, their order, how each fails alone), kept together with the comments that argue it.
// The group commit on PostgreSQL: the writes made in one turn of the event loop run together in
// one transaction on one pooled client, committed on `setImmediate`, and each write's promise
// settles once that commit has (all of them reject when it fails). One transaction at a time: the
// writes made while a commit is under way wait and go together in the next, so ids are handed out
// in the order the writes were made, and transactions commit in that order too. Each transaction
// takes a client from the pool afresh, so after PostgreSQL went away and came back the next batch
// runs on a new connection; a batch that could not reach it rejects its own writes only (as
// StoreUnavailable), and the writes made after it try again. A batch that adds messages takes
// their ids first, all at once (messageIds.ts: why ids are dense and committed in id order across
// processes too), and adds them all in one statement, where the first of them was written: a
// round trip per batch rather than per message, and the ids' lock held that much less. A batch of
// messages and nothing else (a busy room's usual turn) is one statement that takes the ids too:
// one round trip in all, its own transaction. A change (an edit, a deletion, a reaction toggle) is
// one statement that is a transaction of its own too (changeStatements.ts); the changes of a turn
// run after its other writes, in one round trip and one transaction when there are several
// (changesTogether.ts). A turn of messages alone and its changes is one round trip and one commit:
// with one change, one statement; with several, the messages' statement first in their query.
// Under load (the batch before held several writes) the next batch waits `delayMs` more before
// it is taken, as PostgreSQL's own commit_delay does: each commit costs a round trip, a PUBLISH
// and a write to every socket it reaches, so bigger batches cost less per message; a write made
// while the store is quiet goes on the next turn, as ever.
import type pg from 'pg';
import { changesTogether, type ChangeStatement } from './changesTogether.js';
import { TakenIds } from './messageIds.js';
import { asUnavailable, rollback, storable, unreachable, type Prepared, type Queryable } from './pool.js';

/** A write's statements, run on the client of the transaction it is part of. */
export type Work<T> = (tx: Queryable) => Promise<T>;

/** A change: statements each a transaction of their own, on the pool (changeStatements.ts says why one statement is enough). */
export type ChangeWork<T> = (db: Queryable) => Promise<T>;

/** A change that can also go in a statement with others: its turn's messages' (changeStatements.ts, withMessages), or the turn's other changes' (changesTogether.ts). */
export interface FoldableChange<T> {
  /** The statement with the messages, from their CTEs and how many parameters they take. */
  statement(messagesCtes: string, parameters: number): Prepared;
  /** Its statement alone, with `values` as its parameters. */
  alone: Prepared;
  values: readonly unknown[];
  /** Its row there as the write's value; `alone` to run it alone after all (its snapshot was stale). */
  read(row: unknown): { value: T } | 'alone';
}

/** A message to add: its columns' values (as `InsertMessages` takes them), and what adding it resolves with, given its id. */
export interface NewMessage<T> {
  values: readonly unknown[];
  result(id: number): T;
}

/** How messages are added: rows as `NewMessage.values`. */
export interface InsertMessages {
  /** With the ids `firstId`, `firstId + 1`, … (taken already) in one statement, inside the batch's transaction. */
  insert(tx: Queryable, firstId: number, rows: readonly (readonly unknown[])[]): Promise<void>;
  /** Alone: takes their ids and adds them in one statement, a transaction of its own; resolves with the first id. */
  insertTakingIds(db: Queryable, rows: readonly (readonly unknown[])[]): Promise<number>;
  /** The same with a change after them, in the same statement: the first id and the change's row. */
  insertTakingIdsWith?(
    db: Queryable,
    rows: readonly (readonly unknown[])[],
    statement: FoldableChange<unknown>['statement'],
    values: readonly unknown[],
  ): Promise<{ firstId: number; change: unknown }>;
  /** The statement of `insertTakingIds` with its values, to run first among a turn's changes (changesTogether.ts), and its row's first id. */
  takingIdsStatement?(rows: readonly (readonly unknown[])[]): { statement: ChangeStatement; firstId(row: unknown): number };
}

type Write = (
  | { work: Work<unknown>; message?: undefined; change?: undefined; fold?: undefined }
  | { change: ChangeWork<unknown>; fold?: FoldableChange<unknown>; message?: undefined; work?: undefined }
  | { message: NewMessage<unknown>; change?: undefined; work?: undefined; fold?: undefined }
) & {
  resolve(value: unknown): void;
  reject(error: unknown): void;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A committed change's outcome from its row; undefined when it must run alone after all. A row it cannot read fails that change only. */
function readChange(fold: FoldableChange<unknown>, row: unknown): Outcome | undefined {
  try {
    const read = fold.read(row);
    return read === 'alone' ? undefined : { ok: true, value: read.value };
  } catch (error) {
    return { ok: false, error };
  }
}

export class GroupCommit {
  private waiting: Write[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;
  private closed = false;
  /** How many writes the batch taken last held: more than one means they come faster than commits go. */
  private lastBatch = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly inserts: InsertMessages,
    private readonly delayMs = 0,
  ) {}

  /** Runs `work` in the next transaction; resolves with its result once that transaction is committed. */
  write<T>(work: Work<T>): Promise<T> {
    return this.enqueue({ work });
  }

  /** Runs a change after the other writes of its turn, alone (not in their transaction); resolves with them. */
  writeChange<T>(change: ChangeWork<T>, fold?: FoldableChange<T>): Promise<T> {
    return this.enqueue({ change, fold });
  }

  /** Adds a message in the next transaction, with the next id (see messageIds.ts); resolves once that is committed. */
  addMessage<T>(message: NewMessage<T>): Promise<T> {
    return this.enqueue({ message });
  }

  private enqueue<T>(
    write: { work: Work<unknown> } | { change: ChangeWork<unknown>; fold?: FoldableChange<unknown> } | { message: NewMessage<unknown> },
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ ...write, resolve: resolve as (value: unknown) => void, reject });
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
    const take = (): void => {
      this.scheduled = false;
      const batch = this.waiting.splice(0);
      this.lastBatch = batch.length;
      if (batch.length === 0) return;
      this.running = this.commit(batch).finally(() => {
        this.running = undefined;
        if (this.waiting.length > 0) this.schedule();
      });
    };
    if (this.delayMs > 0 && this.lastBatch > 1) setTimeout(take, this.delayMs);
    else setImmediate(take);
  }

  /**
   * Commits a batch: first its writes but the changes, in one transaction (one statement for
   * messages alone). They run one after another, plainly; when one of them fails (a constraint,
   * say), the transaction is rolled back and run again with each write in a savepoint of its own,
   * so that the one that failed is undone alone and the others are kept. A failure of the
   * transaction itself (the COMMIT, the connection) rejects every write of it. A connection lost
   * during COMMIT leaves its outcome unknown: the writes reject, though they may have been kept.
   * Then its changes, each alone: a change needs nothing of its turn (only its message, which was
   * committed before, as its id was known), and fails or not on its own. Messages alone and a
   * change go in one statement instead (`folded`) when they can. Each write settles once the whole
   * batch is done, in the order they were made.
   */
  private async commit(batch: Write[]): Promise<void> {
    const outcomes = new Map<Write, Outcome>();
    const writes = batch.filter((write) => !write.change);
    let away: unknown;
    // Messages alone and their changes: one round trip (`folded`), when it can be.
    try {
      await this.folded(batch, writes, outcomes);
    } catch (error) {
      away = error;
      for (const write of batch) outcomes.set(write, { ok: false, error });
    }
    if (writes.length > 0 && away === undefined && !outcomes.has(writes[0]!)) {
      try {
        let results = writes.every((write) => write.message) ? await this.messagesAlone(writes) : undefined;
        results ??= (await this.transaction(writes, false)) ?? (await this.transaction(writes, true));
        writes.forEach((write, i) => outcomes.set(write, results?.[i] ?? { ok: false, error: new Error('write not run') }));
      } catch (error) {
        for (const write of writes) outcomes.set(write, { ok: false, error });
        if (unreachable(error)) away = error;
      }
    }
    // The changes left: several together (one round trip), else (or those that must) each a
    // transaction of its own; none is tried once PostgreSQL was found away.
    const left = batch.filter((write) => write.change && !outcomes.has(write));
    if (away === undefined && left.length > 1 && left.every((write) => write.fold)) {
      try {
        await this.together(left, outcomes);
      } catch (error) {
        away = error;
      }
    }
    for (const write of left.filter((write) => !outcomes.has(write))) {
      if (away !== undefined) {
        outcomes.set(write, { ok: false, error: away });
        continue;
      }
      try {
        outcomes.set(write, { ok: true, value: await write.change!(storable(this.pool)) });
      } catch (error) {
        outcomes.set(write, { ok: false, error });
        if (unreachable(error)) away = error;
      }
    }
    for (const write of batch) {
      const outcome = outcomes.get(write)!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(asUnavailable(outcome.error));
    }
  }

  /**
   * A turn of messages alone and its changes in one round trip and one commit: with one change, in
   * one statement; with several, in one query (changesTogether.ts). Their outcomes set in
   * `outcomes`, but for a change that must run alone after all. Nothing set when the turn is not
   * that, or when it failed (it kept nothing: the usual way goes next). Thrown when PostgreSQL
   * cannot be reached.
   */
  private async folded(batch: Write[], writes: Write[], outcomes: Map<Write, Outcome>): Promise<void> {
    const changes = batch.filter((write) => write.change);
    if (changes.length === 0 || !changes.every((write) => write.fold) || writes.length === 0 || !writes.every((write) => write.message)) return;
    const messages = writes.map((write) => write.message!);
    const rows = messages.map((message) => message.values);
    const several = changes.length > 1 && this.inserts.takingIdsStatement;
    if (!several && !this.inserts.insertTakingIdsWith) return;
    let firstId: () => number;
    let changeRows: unknown[];
    try {
      if (several) {
        const lead = this.inserts.takingIdsStatement!(rows);
        const done = await changesTogether(this.pool, changes.map((write) => write.fold!), lead.statement);
        [firstId, changeRows] = [() => lead.firstId(done.lead), done.changes];
      } else {
        const fold = changes[0]!.fold!;
        const done = await this.inserts.insertTakingIdsWith!(storable(this.pool), rows, fold.statement, fold.values);
        [firstId, changeRows] = [() => done.firstId, [done.change]];
      }
    } catch (error) {
      if (unreachable(error)) throw error;
      return;
    }
    // Committed: a row that cannot be read fails the batch rather than running it again (its changes were made).
    const first = firstId();
    writes.forEach((write, i) => outcomes.set(write, { ok: true, value: messages[i]!.result(first + i) }));
    this.readChanges(changes.slice(0, changeRows.length), changeRows, outcomes);
  }

  /**
   * Several changes in one transaction (changesTogether.ts): their outcomes set in `outcomes`, but
   * for any that must run alone after all. Nothing set when it failed (it kept nothing: each runs
   * alone next); thrown when PostgreSQL cannot be reached.
   */
  private async together(changes: Write[], outcomes: Map<Write, Outcome>): Promise<void> {
    let rows: unknown[];
    try {
      rows = (await changesTogether(this.pool, changes.map((write) => write.fold!))).changes;
    } catch (error) {
      if (unreachable(error)) throw error;
      return;
    }
    this.readChanges(changes, rows, outcomes);
  }

  /** Committed changes' outcomes from their rows, in `outcomes`; none for those that must run alone after all. */
  private readChanges(changes: Write[], rows: unknown[], outcomes: Map<Write, Outcome>): void {
    changes.forEach((write, i) => {
      const read = readChange(write.fold!, rows[i]);
      if (read) outcomes.set(write, read);
    });
  }

  /**
   * A batch of messages only, in one statement: their outcomes, or undefined when it failed (the
   * statement kept nothing), for the batch to run again write by write. Thrown when PostgreSQL
   * cannot be reached, as for a transaction.
   */
  private async messagesAlone(batch: Write[]): Promise<Outcome[] | undefined> {
    const messages = batch.map((write) => write.message!);
    let firstId: number;
    try {
      firstId = await this.inserts.insertTakingIds(storable(this.pool), messages.map((message) => message.values));
    } catch (error) {
      if (unreachable(error)) throw error;
      return undefined;
    }
    return messages.map((message, i) => ({ ok: true, value: message.result(firstId + i) }));
  }

  /**
   * The batch in one transaction on one client. Without savepoints: undefined as soon as a write
   * fails (everything is rolled back); the batch's messages are added together, where the first of
   * them was written. No write of this store needs a message of its own turn to be there or not (a
   * new member's read marker may start after one of them rather than before); a message that
   * needs an earlier write of its turn (its author's) fails, and the batch runs again with
   * savepoints. With them: every write alone, in order, and its outcome, the failed ones undone.
   */
  private async transaction(batch: Write[], savepoints: boolean): Promise<Outcome[] | undefined> {
    const client = await this.pool.connect();
    const tx = storable(client);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // The ids of the batch's messages, before any other statement of it (see messageIds.ts).
      const messages = batch.flatMap((write) => (write.message ? [write.message] : []));
      const ids = messages.length > 0 ? await TakenIds.take(tx, messages.length) : undefined;
      const outcomes: Outcome[] = [];
      for (const write of batch) {
        if (savepoints) {
          outcomes.push(await this.inSavepoint(client, write, ids));
          continue;
        }
        try {
          if (!write.message) {
            outcomes.push({ ok: true, value: await write.work!(tx) });
            continue;
          }
          const id = (ids as TakenIds).peek();
          if (write.message === messages[0]) await this.inserts.insert(tx, id, messages.map((message) => message.values));
          outcomes.push({ ok: true, value: write.message.result(id) });
          ids?.used();
        } catch (error) {
          broken = await rollback(client, error);
          // The server is away: the batch fails as a whole, rather than again write by write.
          if (unreachable(error)) throw error;
          return undefined;
        }
      }
      // Only where a message failed in its savepoint: the others took its id, the last one is left over.
      await ids?.settle(tx);
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
    const tx = storable(client);
    await client.query('SAVEPOINT write');
    try {
      let value: unknown;
      if (write.message) {
        const id = (ids as TakenIds).peek();
        await this.inserts.insert(tx, id, [write.message.values]);
        value = write.message.result(id);
      } else {
        value = await write.work!(tx);
      }
      await client.query('RELEASE SAVEPOINT write');
      if (write.message) ids?.used();
      return { ok: true, value };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT write');
      return { ok: false, error };
    }
  }
}
