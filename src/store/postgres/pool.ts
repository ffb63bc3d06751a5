// The connections to PostgreSQL: a `pg.Pool` made from DATABASE_URL, reading BIGINT columns (ids,
// times in ms) as numbers, and the one type every concern takes: something to run a query on, the
// pool itself (reads, each on whichever connection is free) or the client of an open transaction.
import pg from 'pg';

/** What a concern runs its SQL on: the pool (a statement of its own) or a client inside a transaction. */
export interface Queryable {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

/** A parameter as PostgreSQL can take it: NUL, which its text cannot hold, as U+FFFD (see `storable`). */
function parameter(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
  return Array.isArray(value) ? value.map(parameter) : value;
}

/**
 * `db` with every text parameter's NUL sent as U+FFFD: PostgreSQL refuses a NUL in text outright,
 * where SQLite compares it like any other character. Nothing stored holds one (message text has
 * them replaced by the parser, names refuse control characters, ids are made here), so a room, user
 * or session looked up by a name holding one is found by neither engine, rather than failing here.
 */
export function storable(db: Queryable): Queryable {
  return { query: (text, values) => db.query(text, values?.map(parameter)) };
}

/** BIGINT (OID 20): ids and millisecond times, all well below 2^53, as numbers rather than strings. */
const INT8 = 20;
const parseInt8 = (value: string) => Number(value);

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Connections at most (the pool makes them as it needs them, and lets idle ones go). */
  max: number;
  /** Ends any statement of this pool running longer, server-side (the search's time budget). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity, to tell the store's connections from others. */
  name: string;
}

/** A pool on `url`; a connection that fails while idle is reported, not thrown (the pool makes another). */
export function openPool(url: string, { max, statementTimeoutMs, name }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    application_name: name,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
  });
  pool.on('error', (error) => process.emitWarning(`an idle PostgreSQL connection failed: ${error.message}`, 'PostgresWarning'));
  return pool;
}

/** Runs `work` in a transaction on one client of the pool: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await rollback(client, error);
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Rolls back after `error`; returns the error to release the client with when the connection
 * cannot be trusted any more (the rollback failed too), so that the pool ends it rather than reuse it.
 */
export async function rollback(client: pg.PoolClient, error: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** PostgreSQL's code for an error (SQLSTATE), if it is one of PostgreSQL's. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
