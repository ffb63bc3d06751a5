// Redis for the tests: the shared one at 127.0.0.1:6379 (or TEST_REDIS_URL), a key prefix of their
// own for each test, and its keys deleted afterwards. Without a Redis to reach, the Redis tests are
// skipped with a printed reason on a newcomer's machine; under CI (`CI=true`) that is a failure.
import crypto from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';

import { REDIS_HINT, redisUnreachable, TEST_REDIS_URL } from './redisProbe.js';

export { TEST_REDIS_URL };

/** Whether this run's servers use Redis (the `cluster` project of vitest.config.ts). */
export const onRedis = (): boolean => process.env.TEST_BUS === 'redis';

/** Runs `work` on a client of its own to `url` (what Redis holds, seen from outside the bus). */
export async function withRedis<T>(url: string, work: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {}); // the failure comes back from connect() or the command
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

let reachable: Promise<string | undefined> | undefined;

/**
 * Whether the Redis tests can run: `describe.skipIf(!(await redisForTests()))`. Skipped with the
 * reason printed when there is none to reach; under CI=true, an error instead.
 */
export async function redisForTests(): Promise<boolean> {
  const reason = await (reachable ??= redisUnreachable());
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the Redis tests (apt-get install redis-server)`);
  console.warn(`SKIPPING the Redis tests: ${reason}. ${REDIS_HINT}.`);
  return false;
}

/** A prefix no other test uses: `chat_test_<hex>:`. */
export const testRedisPrefix = (): string => `chat_test_${crypto.randomBytes(6).toString('hex')}:`;

/** SCAN's glob characters in a prefix, escaped, so that it matches itself only. */
const globEscaped = (text: string): string => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);

/** Deletes every key under `prefix` on `url` (the tests' Redis by default); how many there were. */
export async function deleteKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  return withRedis(url, async (client) => {
    let deleted = 0;
    for await (const keys of client.scanIterator({ MATCH: `${globEscaped(prefix)}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.unlink(keys);
    }
    return deleted;
  });
}
