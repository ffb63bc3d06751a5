// The changes of a turn that run after its other writes (groupCommit.ts), all in one round trip and
// one commit, where each was a round trip and a commit of its own: a busy room's reactions come
// several to a turn. node-postgres sends one statement at a time and waits for its answer, so
// they go as one simple query, several statements that PostgreSQL runs as one transaction: the
// counter's lock first, then each change's own statement (changeStatements.ts) by EXECUTE, prepared
// on the connection the first time it runs one of that kind (PREPARE: planned once, as alone).
//
// Why none of them can be `stale` here: under READ COMMITTED each statement takes its snapshot
// when it starts, and here they all start once the first statement holds the counter's lock, which
// every change takes before anything else and keeps until it commits. No change to any message can
// commit from then until this transaction does, so every snapshot is current for every message. A
// change that says `stale` all the same runs again alone, after the others.
import pg from 'pg';
import { LOCK_COUNTER } from './changeStatements.js';
import { asParameter, type Prepared } from './pool.js';

/** A change as it runs here: its own statement and its values. */
export interface ChangeStatement {
  alone: Prepared;
  values: readonly unknown[];
}

/** The change statements each connection has prepared by SQL (PREPARE), by name. */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

/** A value as an SQL literal; every parameter of a change statement is cast where it is used, so a quoted literal serves for a number too. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return pg.escapeLiteral(String(asParameter(value)));
}

/**
 * Runs `changes` in one transaction, in order, and answers each one's row once it is committed.
 * Rejects when the query failed; then nothing of it was kept (the connection is dropped, as it
 * may hold a statement prepared half-way), and each change can run alone as before.
 */
export async function changesTogether(pool: pg.Pool, changes: readonly ChangeStatement[]): Promise<unknown[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const known = preparedOn.get(client) ?? new Set<string>();
    const toPrepare = [...new Map(changes.filter((change) => !known.has(change.alone.name)).map((change) => [change.alone.name, change.alone])).values()];
    const name = (statement: Prepared) => `together_${statement.name}`;
    const text = [
      ...toPrepare.map((statement) => `PREPARE ${name(statement)} AS ${statement.text}`),
      LOCK_COUNTER,
      ...changes.map((change) => `EXECUTE ${name(change.alone)}(${change.values.map(literal).join(', ')})`),
    ].join(';\n');
    const results = (await client.query(text)) as unknown as pg.QueryResult[];
    for (const statement of toPrepare) known.add(statement.name);
    preparedOn.set(client, known);
    return results.slice(-changes.length).map((result) => result.rows[0]);
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
