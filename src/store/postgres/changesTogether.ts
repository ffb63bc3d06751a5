// The changes of a turn that run after its other writes (groupCommit.ts), all in one round trip and
// one commit, where each was a round trip and a commit of its own: a busy room's reactions come
// several to a turn. node-postgres sends one statement at a time and waits for its answer, so
// they go as one simple query, several statements that PostgreSQL runs as one transaction: the
// counter's lock first, then each change's own statement (changeStatements.ts) by EXECUTE, prepared
// on the connection the first time it runs one of that kind (PREPARE: planned once, as alone).
// A turn of messages alone goes first in the same query when it has several changes (`lead`: the
// statement that takes their ids, which locks `message_ids` before the counter, as every
// transaction does: messageIds.ts), so that the whole turn is one round trip and one commit.
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

/** An array's element in PostgreSQL's array syntax: quoted, its backslashes and quotes escaped. */
const element = (value: unknown): string => (value === null || value === undefined ? 'NULL' : `"${String(value).replace(/[\\"]/g, '\\$&')}"`);

/**
 * A value as an SQL literal; every parameter of these statements is cast where it is used, so a
 * quoted literal serves for a number or an array too (arrays of numbers, text and nulls: the messages' columns).
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const stored = asParameter(value);
  return pg.escapeLiteral(Array.isArray(stored) ? `{${stored.map(element).join(',')}}` : String(stored));
}

/**
 * Runs `lead` (when given), then `changes`, in one transaction, in order, and answers each one's
 * first row once it is committed. Rejects when the query failed; then nothing of it was kept (the
 * connection is dropped, as it may hold a statement prepared half-way), and each write can run
 * alone as before.
 */
export async function changesTogether(pool: pg.Pool, changes: readonly ChangeStatement[], lead?: ChangeStatement): Promise<{ lead: unknown; changes: unknown[] }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const statements = lead ? [lead, ...changes] : changes;
    const known = preparedOn.get(client) ?? new Set<string>();
    const toPrepare = [...new Map(statements.filter((one) => !known.has(one.alone.name)).map((one) => [one.alone.name, one.alone])).values()];
    const name = (statement: Prepared) => `together_${statement.name}`;
    const execute = (one: ChangeStatement) => `EXECUTE ${name(one.alone)}(${one.values.map(literal).join(', ')})`;
    const text = [
      ...toPrepare.map((statement) => `PREPARE ${name(statement)} AS ${statement.text}`),
      ...(lead ? [execute(lead)] : []),
      LOCK_COUNTER,
      ...changes.map(execute),
    ].join(';\n');
    const results = (await client.query(text)) as unknown as pg.QueryResult[];
    for (const statement of toPrepare) known.add(statement.name);
    preparedOn.set(client, known);
    // Before the changes' results: the counter's lock's, and before it the lead's.
    return { lead: lead ? results[results.length - changes.length - 2]?.rows[0] : undefined, changes: results.slice(-changes.length).map((result) => result.rows[0]) };
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
