// Two servers on one PostgreSQL database and one Redis prefix, as two processes behind nginx: a
// chat sent on one reaches the lobby on the other, with the same id, and the sender gets its echo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { ChatMessage } from '../../src/shared/protocol/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { chatWith, unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../helpers/redis.js';
import { signIn, tempDataDir } from '../helpers/server.js';

const engines = (await postgresForTests()) && (await redisForTests());

describe.skipIf(!engines)('two servers on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  const prefix = testRedisPrefix();
  const servers: RunningServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let n = 0; n < 2; n++) {
      const settings = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir(), QUIET: '1', SIGNIN_RATE_LIMIT: '0' };
      const config = loadConfig({ ...settings, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
      servers.push(await startServer(config));
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.close()));
    await database?.drop();
    await deleteKeys(prefix);
  });

  const wsUrl = (server: RunningServer) => `${server.url.replace(/^http/, 'ws')}/ws/chat`;

  it('carries a chat from a client of one to the lobby of the other, and echoes it to the sender', async () => {
    const [one, two] = servers as [RunningServer, RunningServer];
    const alice = await signIn(one.url, 'Alice');
    const bob = await signIn(two.url, 'Bob');
    const sender = await TestClient.ready(wsUrl(one), alice.cookie);
    const listener = await TestClient.ready(wsUrl(two), bob.cookie);
    clients.push(sender, listener);

    const text = unique('across processes');
    sender.send({ type: 'chat', data: text, room: 'lobby', ref: 'r-1' });
    const echo = await sender.next<ChatMessage>(chatWith(text));
    const heard = await listener.next<ChatMessage>(chatWith(text));

    expect(echo).toMatchObject({ room: 'lobby', data: text, ref: 'r-1', user: { id: alice.user.id, name: 'Alice' } });
    expect(heard).toMatchObject({ id: echo.id, room: 'lobby', data: text, user: { id: alice.user.id } });
    expect('ref' in heard).toBe(false);
  });
});
