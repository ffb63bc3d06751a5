// Message ids on PostgreSQL: dense, and committed in id order across every process that writes to
// the database, so that a client resuming after id N (or a process that sees N + 2 arrive right
// after N on the bus) can ask the database for what comes after N and miss nothing, ever.
//
// The argument. Every transaction that adds messages takes its ids first, before any other
// statement of it: `UPDATE message_ids SET last = last + n` (one row), which takes that row's lock
// and holds it until the transaction ends (a turn of messages alone is one statement whose first
// part is that UPDATE: its rows are made from the ids it returns, and their checks run at the
// statement's end, so it takes nothing before the row either; nor does a change put after them in
// that statement, whose locks come after that row's: changeStatements.ts, withMessages). Hence:
// - Message-writing transactions run one at a time, on every process: a second one's UPDATE
//   waits for the first to commit or roll back, and then (READ COMMITTED re-reads the row it waited
//   for) continues from the value the first left. Its ids are all higher, and it commits later.
// - Committed in id order: whoever took ids below X committed before the transaction holding X
//   could take them, and a commit is visible to every snapshot taken after the lock is let go
//   (PostgreSQL marks a transaction visible before it releases its locks). So once X is visible,
//   every id below X is visible too, or was never kept (a purged room's), or was never committed.
// - Dense: the transaction uses every id it took. A write that fails inside its savepoint gives
//   its id to the next message write of the batch, and the ids left over are handed back
//   (`last` set down to the last one used) before COMMIT; a transaction that rolls back undoes its
//   UPDATE with everything else, and the next one takes the same ids again.
// - No deadlock through it: the row is locked first, before any row a write of the batch locks
//   (reads, conversations, rooms), so no transaction waits for it while holding a row that the one
//   holding it wants. Transactions that add no message never touch it and are not held up.
// The change sequence (edits, deletions, reaction toggles) is the same kind of counter, `change_ids`,
// taken by each change in its own statement: changeStatements.ts has its argument.
// The cost: the batches of all processes queued on one lock, each held from its first statement
// to its COMMIT. Kept short by the group commit: the ids in one statement (one row version per
// batch, not per message: a row updated thousands of times in one transaction gets slower with
// each), the messages in one INSERT (see docs/performance.md for what that sustains).
import type { Queryable } from './pool.js';

/** Takes `$1` ids at once: the row's lock is held until the transaction ends. */
export const TAKE_IDS = 'UPDATE message_ids SET last = last + $1 WHERE one = 1 RETURNING last';
/** Hands back the ids taken but not used: `last` becomes the last one used. */
const HAND_BACK = 'UPDATE message_ids SET last = $1 WHERE one = 1';

/** Ids a transaction has taken, handed out one message at a time. */
export class TakenIds {
  private constructor(
    /** The next id to hand out. */
    private next_: number,
    /** The last id taken. */
    private readonly last: number,
  ) {}

  /** Takes `count` ids in the transaction of `tx`: call it before any other statement of the transaction (see above). */
  static async take(tx: Queryable, count: number): Promise<TakenIds> {
    const { rows } = await tx.query<{ last: number }>(TAKE_IDS, [count]);
    const last = rows[0]?.last;
    if (last === undefined) throw new Error('message_ids has no row: the schema is not at version 2');
    return new TakenIds(Number(last) - count + 1, Number(last));
  }

  /** The id the next message gets; `used()` once it is kept, else the next message gets it again. */
  peek(): number {
    if (this.next_ > this.last) throw new Error('more writes than ids taken');
    return this.next_;
  }

  used(): void {
    this.next_++;
  }

  /** Before COMMIT: hands back the ids nobody used (a failed write's), so that the next transaction takes them. */
  async settle(tx: Queryable): Promise<void> {
    if (this.next_ <= this.last) await tx.query(HAND_BACK, [this.next_ - 1]);
  }
}
