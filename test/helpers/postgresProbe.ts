// Whether the tests' PostgreSQL can be reached: asked by vitest.config.ts (whether to run the
// `postgres` project) and by test/helpers/postgres.ts (whether to run the PostgreSQL tests).
// Nothing of vitest's here, so that the configuration can load it.
import pg from 'pg';

/** The server the tests make their databases on (trust authentication, as the CI machine has it). */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL cannot be used for the tests, or undefined when it can. */
export async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL at ${POSTGRES_ADMIN_URL.replace(/\/\/[^@/]*@/, '//')} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** How to have one, for the printed reason. */
export const POSTGRES_HINT = 'Start PostgreSQL (user postgres, trust on 127.0.0.1) or set TEST_POSTGRES_URL';
