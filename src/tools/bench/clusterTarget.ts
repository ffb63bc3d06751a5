// The product as a cluster, for one run: a database and a Redis prefix of the run's own, N
// processes of dist/main.js on them (on ephemeral ports, each with its own data folder), and on
// stop, the processes stopped, then the database dropped and the prefix's keys deleted.
import fs from 'node:fs';
import { PRODUCT_MAIN, serverEnv } from '../kit/server.js';
import { PRODUCT_SETTINGS, startProcess, tempDir, type StartedProcess } from './childServer.js';
import { createDatabase, DEFAULT_ENGINES, newRedisPrefix, type BenchDatabase } from './engines.js';
import type { ClusterTargetName, RunningTarget, StartOptions } from './targets.js';

/** Starts `count` processes of the product on PostgreSQL and Redis; resolves once every one listens. */
export async function startCluster(name: ClusterTargetName, count: number, options: StartOptions): Promise<RunningTarget> {
  const engines = options.engines ?? DEFAULT_ENGINES;
  const database: BenchDatabase | undefined = options.databaseUrl === undefined ? await createDatabase(engines.postgres) : undefined;
  const databaseUrl = options.databaseUrl ?? database!.url;
  const prefix = newRedisPrefix(engines.redis);
  const dataDirs = Array.from({ length: count }, () => tempDir('chat-bench-cluster-'));
  const started: StartedProcess[] = [];

  const cleanUp = async () => {
    await Promise.all(started.map((process) => process.stop()));
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    await Promise.all([database?.drop(), prefix.clean()]);
  };

  // Together, as a cluster starts: the migrations take their advisory lock, the other waits.
  const starts = await Promise.allSettled(
    dataDirs.map(async (dataDir, i) => {
      const env = serverEnv({
        ...PRODUCT_SETTINGS,
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        REDIS_URL: engines.redis,
        REDIS_PREFIX: prefix.prefix,
      });
      started.push(await startProcess(`${name} process ${i + 1}`, PRODUCT_MAIN, env, options.startTimeoutMs));
    }),
  );
  const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failed) {
    await cleanUp().catch(() => undefined);
    throw failed.reason;
  }

  const first = started[0]!;
  return {
    name,
    url: first.url,
    wsUrl: first.wsUrl,
    pid: first.pid,
    processes: started.map(({ pid, url, wsUrl }) => ({ pid, url, wsUrl })),
    dataDir: undefined,
    engines: {
      adminUrl: engines.postgres,
      databaseName: decodeURIComponent(new URL(databaseUrl).pathname.slice(1)),
      databaseUrl,
      redisUrl: engines.redis,
      redisPrefix: prefix.prefix,
    },
    died: () => started.map((process) => process.died()).find((reason) => reason !== undefined),
    stop: cleanUp,
  };
}
