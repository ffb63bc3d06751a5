// The limits of a site of two processes while its Redis (a redis-server of the test's own) is
// killed: each process counts on its own meanwhile, so nothing is let through without a limit and
// nobody is locked out; nothing crashes or rejects unhandled; and once Redis is back, the limits
// hold for the whole site again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { isError, say, unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { ownRedisForTests, startOwnRedis, type OwnRedis } from '../helpers/ownRedis.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { testRedisPrefix, withRedis } from '../helpers/redis.js';
import { cookieHeader, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const engines = ownRedisForTests() && (await postgresForTests());

let addresses = 0;
const newAddress = () => `203.0.113.${++addresses}`;

describe.skipIf(!engines)('limits of a site of two processes through a Redis outage', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  const prefix = testRedisPrefix();
  let servers: [TestServer, TestServer];
  const clients: TestClient[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await startOwnRedis();
    database = await createTestDatabase();
    const settings = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: '1',
      RATE_LIMIT: '3',
      SIGNIN_RATE_LIMIT: '3',
      MAX_CONNECTIONS_PER_USER: '2',
    };
    servers = [await startTestServer(settings), await startTestServer(settings)];
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.close()));
    await database?.drop();
    await redis?.close();
    process.off('unhandledRejection', onUnhandled);
  });

  const signInAt = (server: TestServer, name: string, address: string) =>
    fetch(`${server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ name }),
    });

  async function user(name: string): Promise<SignedIn> {
    const response = await signInAt(servers[0], name, newAddress());
    expect(response.status).toBe(200);
    return { user: ((await response.json()) as { data: SignedIn['user'] }).data, cookie: cookieHeader(response) };
  }

  async function connect(server: TestServer, who: SignedIn): Promise<TestClient> {
    const client = await TestClient.connect(server.wsUrl, { cookie: who.cookie, greeted: true, greetTimeoutMs: 3000 });
    clients.push(client);
    return client;
  }

  /** Says three things (the limit), then the fourth is refused with rate_limited. */
  async function usesUpItsAllowance(...tabs: TestClient[]): Promise<void> {
    for (let i = 0; i < 3; i++) await say(tabs[i % tabs.length]!, unique('within'));
    const last = tabs[3 % tabs.length]!;
    last.send({ type: 'chat', room: 'lobby', data: unique('over'), ref: 'over' });
    expect(await last.next<ErrorMessage>(isError)).toMatchObject({ data: { code: 'rate_limited' }, ref: 'over' });
  }

  /** Both processes say what they hold open in Redis again: they count there once more. */
  const bothBackOnRedis = () =>
    until('both processes to count in Redis again', () => withRedis(redis.url, (client) => client.zCard(`${prefix}limit:procs`)).catch(() => 0), (n) => n === 2, 10_000);

  it('counts on each process alone while Redis is away, refusing past each limit, and for the whole site once it is back', async () => {
    const [alice, bob] = [await user('Alice'), await user('Bob')];
    const before = await connect(servers[1], bob);
    // Sockets open on both: both processes say so in Redis.
    await connect(servers[0], alice);
    await bothBackOnRedis();

    await redis.stop();
    // Each process counts on its own: three here, and the fourth refused.
    const carol = await user('Carol');
    const [c1, c2] = [await connect(servers[0], carol), await connect(servers[1], carol)];
    await usesUpItsAllowance(c1);
    await usesUpItsAllowance(c2);
    // Sign-ins from one address: three on a process, then 429.
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signInAt(servers[0], `s${i}`, address)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Two tabs on a process, and a third is closed with 1008.
    const dave = await user('Dave');
    await connect(servers[0], dave);
    await connect(servers[0], dave);
    await expect(connect(servers[0], dave)).rejects.toMatchObject({ status: 'closed 1008' });
    // Nothing crashed: the socket from before still chats, and both answer.
    await say(before, unique('still here'));
    for (const server of servers) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    await redis.start();
    await bothBackOnRedis();
    const erin = await user('Erin');
    await usesUpItsAllowance(await connect(servers[0], erin), await connect(servers[1], erin));
    expect(unhandled).toEqual([]);
  });
});
