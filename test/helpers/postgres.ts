// PostgreSQL for the tests: a fresh database per test file (or per store, or per server), made on
// the local server as `postgres` and dropped afterwards, its connections ended first. Without a
// PostgreSQL to reach, the PostgreSQL tests are skipped with a printed reason on a newcomer's
// machine; under CI (`CI=true`) that is a failure, so that they never silently skip.
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore, type PostgresOptions } from '../../src/store/postgres/index.js';
import { POSTGRES_ADMIN_URL, POSTGRES_HINT, postgresUnreachable } from './postgresProbe.js';

/** Whether this run's servers use PostgreSQL (the `postgres` project of vitest.config.ts). */
export const onPostgres = (): boolean => process.env.TEST_STORE === 'postgres';

let reachable: Promise<string | undefined> | undefined;

/**
 * Whether the PostgreSQL tests can run: `describe.skipIf(!(await postgresForTests()))`. Skipped
 * with the reason printed when there is none to reach; under CI=true, an error instead.
 */
export async function postgresForTests(): Promise<boolean> {
  const reason = await (reachable ??= postgresUnreachable());
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the PostgreSQL tests (apt-get install postgresql)`);
  console.warn(`SKIPPING the PostgreSQL tests: ${reason}. ${POSTGRES_HINT}.`);
  return false;
}

/** Runs `work` on a connection to the admin database. */
const asAdmin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(POSTGRES_ADMIN_URL, work);

export interface TestDatabase {
  name: string;
  /** Its URL, for DATABASE_URL or a store. */
  url: string;
  /** Ends its connections and drops it. */
  drop(): Promise<void>;
}

/** A new, empty database: `chat_test_<random>`; with `ctype`, that LC_CTYPE (and LC_COLLATE) instead of the server's. */
export async function createTestDatabase({ ctype }: { ctype?: 'C' } = {}): Promise<TestDatabase> {
  const name = `chat_test_${crypto.randomBytes(6).toString('hex')}`;
  const locale = ctype === undefined ? '' : ` TEMPLATE template0 LC_CTYPE '${ctype}' LC_COLLATE '${ctype}'`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}${locale}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      asAdmin(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** A fresh database for the test file that calls it: made in beforeAll, dropped in afterAll. */
export function useTestDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('the database is made in beforeAll: use it inside a test or hook');
      return database.url;
    },
  };
}

/** A store on a database of its own, which closing the store drops. */
export async function freshPostgresStore(options: PostgresOptions = {}): Promise<PostgresStore> {
  const database = await createTestDatabase();
  const store = await PostgresStore.open(database.url, options);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await database.drop();
  };
  return store;
}

/** Runs `work` on a client of its own to `url` (what the database holds, seen from outside the store). */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Seeds messages in bulk: `INSERT INTO messages (<columns>) <select>`, each row given the next id
 * from message_ids in one transaction, as the store takes them (src/store/postgres/messageIds.ts):
 * ids stay dense and in order, and the store's next message follows the seeded ones. `select` may
 * use `values` as $1, $2…; its rows come out in its own order. Returns how many were added.
 */
export async function seedMessages(pool: pg.Pool, columns: string, select: string, values: unknown[] = []): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ last: string }>('SELECT last FROM message_ids WHERE one = 1 FOR UPDATE');
    const inserted = await client.query(
      `INSERT INTO messages (id, ${columns}) SELECT $${values.length + 1}::bigint + row_number() OVER (), s.* FROM (${select}) s`,
      [...values, Number(rows[0]?.last)],
    );
    await client.query('UPDATE message_ids SET last = last + $1 WHERE one = 1', [inserted.rowCount]);
    await client.query('COMMIT');
    return inserted.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
