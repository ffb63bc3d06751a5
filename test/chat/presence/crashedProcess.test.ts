// Presence across real processes: two built servers (`dist/main.js`) on one PostgreSQL database
// and one Redis prefix. One killed with SIGKILL says nothing, and its users are seen to leave on
// the other within PRESENCE_TIMEOUT_MS; one stopped with SIGTERM says goodbye, and they leave at once.
import { afterEach, describe, expect, it } from 'vitest';
import { presence } from '../../helpers/chat.js';
import { TestClient } from '../../helpers/client.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../../helpers/postgres.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../../helpers/redis.js';
import { signIn, spawnServer, tempDataDir, type SpawnedServer } from '../../helpers/server.js';

const engines = (await postgresForTests()) && (await redisForTests());
const TIMEOUT_MS = 2000;

describe.skipIf(!engines)('presence when a process ends', () => {
  let database: TestDatabase | undefined;
  let prefix = '';
  const servers: SpawnedServer[] = [];
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const server of servers.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
    await database?.drop();
    database = undefined;
    // Never an empty prefix: that would be every key of the tests' Redis.
    if (prefix !== '') await deleteKeys(prefix);
    prefix = '';
  });

  /** Two processes of one site; Alice connected to the first, Bob to the second, each seeing the other. */
  async function aliceAndBobApart() {
    database = await createTestDatabase();
    prefix = testRedisPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS), QUIET: '1' };
    for (let n = 0; n < 2; n++) servers.push(await spawnServer({ ...env, DATA_DIR: tempDataDir(), SIGNIN_RATE_LIMIT: '0' }));
    const [one, two] = servers as [SpawnedServer, SpawnedServer];
    const alice = await signIn(one.url, 'Alice');
    const bob = await signIn(two.url, 'Bob');
    const a = await TestClient.ready(one.wsUrl, alice.cookie);
    const b = await TestClient.ready(two.wsUrl, bob.cookie);
    clients.push(a, b);
    await a.next(presence('join', bob.user));
    const lobby = b.received.find((m) => m.type === 'list' && m.room === 'lobby');
    expect(lobby?.type === 'list' && lobby.data.map((user) => user.name).sort()).toEqual(['Alice', 'Bob']);
    return { one, alice, b };
  }

  it('has the users of a process killed with SIGKILL leave within PRESENCE_TIMEOUT_MS', async () => {
    const { one, alice, b } = await aliceAndBobApart();
    one.child.kill('SIGKILL');
    const killed = Date.now();
    await b.next(presence('left', alice.user), TIMEOUT_MS + 2000);
    expect(Date.now() - killed).toBeLessThanOrEqual(TIMEOUT_MS);
  });

  it('has the users of a process stopped with SIGTERM leave at once', async () => {
    const { one, alice, b } = await aliceAndBobApart();
    one.child.kill('SIGTERM');
    const stopped = Date.now();
    await b.next(presence('left', alice.user), TIMEOUT_MS + 2000);
    expect(Date.now() - stopped).toBeLessThan(TIMEOUT_MS / 2);
  });
});
