// PostgreSQL and Redis for the bench's cluster targets: whether they can be reached, a database
// and a Redis key prefix of each run's own (dropped and deleted afterwards, or on Ctrl-C), and
// what the engines tell of their own work: Redis's PUBLISH count and CPU, PostgreSQL's backends.
import crypto from 'node:crypto';
import pg from 'pg';
import { createClient, type RedisClientType } from 'redis';
import { cpuMicros } from './procStats.js';

/** Where the cluster targets find their engines: a PostgreSQL to make databases on, and a Redis. */
export interface EngineUrls {
  /** A database of the server to connect to as a user who may CREATE DATABASE (`postgres`). */
  postgres: string;
  redis: string;
}

export const DEFAULT_ENGINES: EngineUrls = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: 'redis://127.0.0.1:6379',
};

/** A URL without its password, for printing. */
export const shown = (url: string): string => url.replace(/\/\/([^@/:]*)(:[^@/]*)?@/, (_all, user: string) => (user ? `//${user}@` : '//'));

/** Runs `work` on a connection of its own to `url`. */
export async function withPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` on a connection of its own to `url`. */
export async function withRedis<T>(url: string, work: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client: RedisClientType = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => undefined); // the failure comes back from connect() or the command
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Why the cluster targets cannot run (PostgreSQL or Redis out of reach), or undefined when they can. */
export async function enginesUnreachable(urls: EngineUrls): Promise<string | undefined> {
  const reasons: string[] = [];
  await withPostgres(urls.postgres, (client) => client.query('SELECT 1')).catch((error: unknown) =>
    reasons.push(`no PostgreSQL at ${shown(urls.postgres)} (${why(error)})`),
  );
  await withRedis(urls.redis, (client) => client.ping()).catch((error: unknown) => reasons.push(`no Redis at ${shown(urls.redis)} (${why(error)})`));
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** What to undo if the bench is stopped half-way: databases not dropped yet, prefixes not cleaned. */
const leftovers = new Set<() => Promise<void>>();

/** Drops and deletes everything made and not yet undone (Ctrl-C, or a bench that failed). */
export async function cleanUpEngines(): Promise<void> {
  await Promise.all([...leftovers].map((undo) => undo().catch(() => undefined)));
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Ends its connections and drops it. */
  drop(): Promise<void>;
}

/** A new, empty database on the server of `adminUrl`: `chat_bench_<random>`. */
export async function createDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `chat_bench_${crypto.randomBytes(6).toString('hex')}`;
  await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    leftovers.delete(drop);
    await withPostgres(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
  leftovers.add(drop);
  return { name, url: url.toString(), drop };
}

/** SCAN's and PSUBSCRIBE's glob characters in a prefix, escaped, so that it matches itself only. */
export const globEscaped = (text: string): string => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);

export interface BenchPrefix {
  prefix: string;
  /** Deletes every key under it. */
  clean(): Promise<void>;
}

/** A Redis key prefix no one else uses: `chat_bench_<random>:`. */
export function newRedisPrefix(redisUrl: string): BenchPrefix {
  const prefix = `chat_bench_${crypto.randomBytes(6).toString('hex')}:`;
  const clean = async () => {
    leftovers.delete(clean);
    await withRedis(redisUrl, async (client) => {
      for await (const keys of client.scanIterator({ MATCH: `${globEscaped(prefix)}*`, COUNT: 500 })) {
        if (keys.length > 0) await client.unlink(keys);
      }
    });
  };
  leftovers.add(clean);
  return { prefix, clean };
}

/** The newest message id committed on a database of the product: what `message_ids` holds once the transactions that took ids are done. */
export async function committedLastId(databaseUrl: string): Promise<number> {
  const { rows } = await withPostgres(databaseUrl, (client) => client.query<{ last: string }>('SELECT last FROM message_ids WHERE one = 1'));
  return Number(rows[0]?.last ?? NaN);
}

/** `cmdstat_publish`'s calls and the server's CPU (user + system, µs) from one INFO. */
export async function redisCounters(url: string): Promise<{ publishes: number; cpuUs: number }> {
  const info = await withRedis(url, (client) => client.info('everything'));
  const publishes = Number(/^cmdstat_publish:calls=(\d+)/m.exec(info)?.[1] ?? 0);
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return { publishes, cpuUs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6 };
}

/** The server processes (backends) connected to a database now, and the CPU each has used (from /proc: a local server only). */
async function backendCpu(adminUrl: string, database: string): Promise<Map<number, number>> {
  const { rows } = await withPostgres(adminUrl, (client) => client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]));
  const cpu = new Map<number, number>();
  for (const { pid } of rows) cpu.set(pid, cpuMicros(pid) ?? NaN);
  return cpu;
}

/**
 * The engines' CPU over a measured window, approximately: the PostgreSQL backends of the run's
 * database (a backend that ends inside the window is missed) and the whole Redis server (other
 * clients of the same Redis count too).
 */
export class EngineMeter {
  private constructor(
    private readonly adminUrl: string,
    private readonly database: string,
    private readonly redisUrl: string,
    private readonly backends: Map<number, number>,
    private readonly redisCpuUs: number,
  ) {}

  static async begin(adminUrl: string, database: string, redisUrl: string): Promise<EngineMeter> {
    const [backends, redis] = await Promise.all([backendCpu(adminUrl, database), redisCounters(redisUrl)]);
    return new EngineMeter(adminUrl, database, redisUrl, backends, redis.cpuUs);
  }

  /** CPU used since `begin`, in µs: PostgreSQL's backends and Redis. */
  async end(): Promise<{ postgresCpuUs: number; redisCpuUs: number }> {
    const [backends, redis] = await Promise.all([backendCpu(this.adminUrl, this.database), redisCounters(this.redisUrl)]);
    let postgresCpuUs = 0;
    // A backend that was not there at the start began inside the window: all of its time counts.
    for (const [pid, now] of backends) postgresCpuUs += now - (this.backends.get(pid) ?? 0);
    return { postgresCpuUs, redisCpuUs: redis.cpuUs - this.redisCpuUs };
  }
}
