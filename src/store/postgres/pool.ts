// The connections to PostgreSQL: a `pg.Pool` made from DATABASE_URL, reading BIGINT columns (ids,
// times in ms) as numbers, and the one type every concern takes: something to run a query on, the
// pool itself (reads, each on whichever connection is free) or the client of an open transaction.
// Also what tells a server that is away (stopped, restarting, out of the network) from a statement
// that failed: the former becomes StoreUnavailable, which the chat and the routes answer as such.
import pg from 'pg';
import { StoreUnavailable } from '../unavailable.js';

/** What a concern runs its SQL on: the pool (a statement of its own) or a client inside a transaction. */
export interface Queryable {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string | Prepared, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

/**
 * A statement each connection parses once and keeps (by `name`), so that PostgreSQL can plan it once
 * too (a generic plan, after a few runs): for the big statements run over and over (changeStatements.ts).
 */
export interface Prepared {
  name: string;
  text: string;
}

/** A parameter as PostgreSQL can take it: NUL, which its text cannot hold, as U+FFFD (see `storable`). */
export function asParameter(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
  return Array.isArray(value) ? value.map(asParameter) : value;
}

/**
 * `db` with every text parameter's NUL sent as U+FFFD: PostgreSQL refuses a NUL in text outright,
 * where SQLite compares it like any other character. Nothing stored holds one (message text has
 * them replaced by the parser, names refuse control characters, ids are made here), so a room, user
 * or session looked up by a name holding one is found by neither engine, rather than failing here.
 * A prepared statement goes as a copy: node-postgres writes the values into the object it is given,
 * and the statements are shared constants.
 */
export function storable(db: Queryable): Queryable {
  return { query: (text, values) => db.query(typeof text === 'string' ? text : { ...text }, values?.map(asParameter)) };
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
  /** Ends, server-side, a connection of this pool left this long inside a transaction doing nothing (its process frozen). */
  idleInTransactionMs?: number;
  /** Shown in pg_stat_activity, to tell the store's connections from others. */
  name: string;
}

/** How long a new connection may take before the attempt counts as the server being unreachable. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pool on `url` that survives the server going away: a connection that fails while idle is
 * reported, not thrown (the pool makes another when asked), and one lost while checked out ends
 * its query with an error and is dropped on release, instead of ending the process (node-postgres
 * emits the loss on the client, where nothing else listens then). TCP keepalive finds a server
 * that vanished without a word.
 */
export function openPool(url: string, { max, statementTimeoutMs, idleInTransactionMs, name }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    application_name: name,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
    ...(idleInTransactionMs === undefined ? {} : { idle_in_transaction_session_timeout: idleInTransactionMs }),
  });
  pool.on('error', (error) => process.emitWarning(`an idle PostgreSQL connection failed: ${error.message}`, 'PostgresWarning'));
  pool.on('connect', (client) => client.on('error', ignoreLostConnection));
  return pool;
}

/** The query in flight rejects with the same error, and the pool drops the client on release: nothing more to do. */
function ignoreLostConnection(): void {}

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

/**
 * SQLSTATEs of a server that cannot serve rather than of a statement that failed: the connection
 * exceptions (class 08), a server shutting down or starting up (57P01–57P03), no connection slot left.
 */
const AWAY_STATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** node-postgres's own words for a connection it could not make in time or lost. */
const LOST_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|is not queryable/;

/**
 * Whether `error` says PostgreSQL could not be reached: the operating system's socket errors
 * (ECONNREFUSED, ENOENT for a missing socket, ETIMEDOUT, EAI_AGAIN…, never a SQLSTATE, none of
 * whose classes begins with E), the states above, or a connection lost or not made in time.
 */
export function unreachable(error: unknown): boolean {
  if (error instanceof StoreUnavailable) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^E[A-Z_]+$/.test(code) || AWAY_STATES.test(code))) return true;
  return typeof message === 'string' && LOST_CONNECTION.test(message);
}

/** `error` as StoreUnavailable when it says PostgreSQL could not be reached; as it was otherwise. */
export function asUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailable || !unreachable(error)) return error;
  return new StoreUnavailable(`PostgreSQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** `db` whose failures to reach the server reject as StoreUnavailable (what the chat and the routes recognise). */
export function reportingOutages(db: Queryable): Queryable {
  return {
    async query<Row extends pg.QueryResultRow>(text: string | Prepared, values?: unknown[]) {
      try {
        return await db.query<Row>(text, values);
      } catch (error) {
        throw asUnavailable(error);
      }
    },
  };
}
