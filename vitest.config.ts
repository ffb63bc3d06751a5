import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { POSTGRES_HINT, postgresUnreachable } from './test/helpers/postgresProbe.js';
import { REDIS_HINT, redisUnreachable } from './test/helpers/redisProbe.js';

/**
 * The integration files the PostgreSQL project leaves out, each for its reason: they start the
 * built server as a child process or work on SQLite's file directly. Everything else in
 * test/integration runs on PostgreSQL too.
 */
const SQLITE_ONLY: Record<string, string> = {
  'test/integration/crash.test.ts': 'spawns dist/main.js, kills it with SIGKILL, and reads chat.db with better-sqlite3',
  'test/integration/lifecycle.test.ts': 'spawns dist/main.js on a data folder (signals, a restart on the same folder, a bad PORT)',
  'test/integration/slow-reader.test.ts': 'spawns dist/main.js with its own MAX_BUFFERED_BYTES on a data folder',
  'test/integration/room-scale.test.ts': 'seeds 3,000 rooms through SqliteEngine into chat.db while the server is stopped',
  'test/integration/search-load.test.ts': 'seeds a large store through SqliteEngine into chat.db while the server is stopped',
  'test/integration/replay-pacing.test.ts': 'seeds lobby messages through SqliteEngine into chat.db while the server is stopped',
  'test/integration/sqlite-upgrades.test.ts': "makes chat.db an older release's to test SQLite's own migrations",
};

/**
 * The WebSocket suite on PostgreSQL: every server of it (test/helpers/server.ts) keeps everything
 * in a fresh database. Left out, with the reason printed, where there is no PostgreSQL to reach;
 * under CI=true that is an error instead, so that it never silently goes missing.
 */
async function postgresProject(): Promise<TestProjectInlineConfiguration[]> {
  const reason = await postgresUnreachable();
  if (reason !== undefined) {
    if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the PostgreSQL project (apt-get install postgresql)`);
    console.warn(`SKIPPING the postgres project: ${reason}. ${POSTGRES_HINT}.`);
    return [];
  }
  return [
    {
      extends: true,
      test: { name: 'postgres', include: ['test/integration/**/*.test.ts'], exclude: [...configDefaults.exclude, ...Object.keys(SQLITE_ONLY)], env: { TEST_STORE: 'postgres' } },
    },
  ];
}

/**
 * What the cluster project leaves out besides SQLITE_ONLY, each for its reason. Everything else in
 * test/integration runs with its sockets and sign-ins spread over two processes.
 */
const SINGLE_PROCESS: Record<string, string> = {};

/**
 * The WebSocket suite on a site of two processes on one PostgreSQL database and one Redis, each
 * test's sockets and sign-ins spread over both (test/helpers/fixture.ts). Skipped with the reason
 * printed without PostgreSQL or Redis; under CI=true that is an error.
 */
async function clusterProject(): Promise<TestProjectInlineConfiguration[]> {
  const reason = (await postgresUnreachable()) ?? (await redisUnreachable());
  if (reason !== undefined) {
    if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the cluster project (apt-get install postgresql redis-server)`);
    console.warn(`SKIPPING the cluster project: ${reason}. ${POSTGRES_HINT}; ${REDIS_HINT}.`);
    return [];
  }
  return [
    {
      extends: true,
      test: {
        name: 'cluster',
        include: ['test/integration/**/*.test.ts'],
        exclude: [...configDefaults.exclude, ...Object.keys(SQLITE_ONLY), ...Object.keys(SINGLE_PROCESS)],
        env: { TEST_STORE: 'postgres', TEST_BUS: 'redis', TEST_CLUSTER: '2' },
      },
    },
  ];
}

const postgres = await postgresProject();
const cluster = await clusterProject();

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own servers on ephemeral ports; two cores, so two at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      {
        // The WebSocket suite again, on a bus that delivers on a later turn after a JSON round
        // trip, as a remote one would: nothing may rely on delivery inside `publish`.
        extends: true,
        test: { name: 'deferred bus', include: ['test/integration/**/*.test.ts'], env: { TEST_BUS: 'deferred' } },
      },
      ...postgres,
      ...cluster,
    ],
  },
});
