// The limits of a site of two processes (one PostgreSQL database, one Redis prefix) hold for the
// whole site, not per process: messages per user, sign-ins per address, rooms per user and per
// address, searches per user, and open WebSockets per user and per address, each used up half on
// one server and half on the other. Behind a trusted proxy (TRUST_PROXY), so that one test can be
// many addresses: X-Forwarded-For over HTTP, a source address of its own (127.0.x.y) for sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { translate } from '../../src/shared/i18n/index.js';
import { chatWith, expectNone, isError, roomName, say, unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../helpers/redis.js';
import { cookieHeader, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const engines = (await postgresForTests()) && (await redisForTests());

let addresses = 0;
/** An address of its own for each caller: 198.51.100.x over HTTP, 127.0.x.y for a socket. */
const newAddress = () => `198.51.100.${++addresses}`;
const newLoopback = () => `127.0.${Math.floor(++addresses / 250)}.${(addresses % 250) + 2}`;

describe.skipIf(!engines)('limits of a site of two processes', () => {
  let database: TestDatabase;
  const prefix = testRedisPrefix();
  let servers: [TestServer, TestServer];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const settings = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: '1',
      RATE_LIMIT: '3',
      SIGNIN_RATE_LIMIT: '3',
      ROOM_RATE_LIMIT: '2',
      SEARCH_RATE_LIMIT: '2',
      MAX_CONNECTIONS_PER_USER: '2',
      MAX_CONNECTIONS_PER_ADDRESS: '3',
    };
    servers = [await startTestServer(settings), await startTestServer(settings)];
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.close()));
    await database?.drop();
    await deleteKeys(prefix);
  });

  /** `POST /signin` on `server` from `address`. */
  const signInAt = (server: TestServer, name: string, address: string) =>
    fetch(`${server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', 'x-forwarded-for': address },
      body: JSON.stringify({ name }),
    });

  /** A user signed in from an address of their own (so that sign-ins are not what runs out). */
  async function user(name: string, server = servers[0]): Promise<SignedIn> {
    const response = await signInAt(server, name, newAddress());
    expect(response.status).toBe(200);
    return { user: ((await response.json()) as { data: SignedIn['user'] }).data, cookie: cookieHeader(response) };
  }

  /** A socket of `who` on `server`, greeted, from `local` (a loopback address of its own unless told). */
  async function connect(server: TestServer, who: SignedIn, local = newLoopback()): Promise<TestClient> {
    const client = await TestClient.connect(server.wsUrl, { cookie: who.cookie, localAddress: local, greeted: true, greetTimeoutMs: 3000 });
    clients.push(client);
    return client;
  }

  /** A socket the server may refuse: the client, open or closed, or the status of a refused upgrade. */
  async function tryConnect(server: TestServer, who: SignedIn, local = newLoopback()): Promise<TestClient | number> {
    try {
      return await connect(server, who, local);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number') return status;
      if (typeof status === 'string' && status.startsWith('closed ')) return Number(status.slice('closed '.length));
      throw error;
    }
  }

  it('RATE_LIMIT: two messages on one server and two on the other, and the fourth is refused', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const [one, two] = [await connect(servers[0], alice), await connect(servers[1], alice)];
    const listener = await connect(servers[1], bob);
    await say(one, unique('first'));
    await say(one, unique('second'));
    await say(two, unique('third'));
    const fourth = unique('fourth');
    two.send({ type: 'chat', room: 'lobby', data: fourth, ref: 'r4' });
    const refused = await two.next<ErrorMessage>(isError);
    expect(refused).toMatchObject({ data: { code: 'rate_limited' }, ref: 'r4' });
    // Refused on the first server too, and nobody heard of it.
    one.send({ type: 'chat', room: 'lobby', data: unique('fifth') });
    expect((await one.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    await expectNone(listener, chatWith(fourth));
    // Bob has his own allowance.
    await say(listener, unique('bob'));
  });

  it('SIGNIN_RATE_LIMIT: sign-ins from one address count on every server; another address still may', async () => {
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await signInAt(servers[i % 2]!, `n${i}`, address);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBe(60);
        expect(await response.json()).toEqual({ code: 1, error: translate('en', 'signin.tooMany') });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await signInAt(servers[1], 'elsewhere', newAddress())).status).toBe(200);
  });

  /** `POST /rooms` as `who` from `address` on `server`. */
  const createRoom = (server: TestServer, who: SignedIn, address: string, name = roomName('site')) =>
    fetch(`${server.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', cookie: who.cookie, 'x-forwarded-for': address },
      body: JSON.stringify({ name }),
    });

  it('ROOM_RATE_LIMIT: rooms of one user, and of one address, count on every server', async () => {
    const ann = await user('Ann');
    const address = newAddress();
    expect((await createRoom(servers[0], ann, address)).status).toBe(201);
    expect((await createRoom(servers[1], ann, address)).status).toBe(201);
    const refused = await createRoom(servers[0], ann, newAddress());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(await refused.json()).toEqual({ code: 1, error: translate('en', 'rooms.tooManyByYou', { minutes: 60 }) });

    // The address has three times a user's allowance: Ann's two, and two each for Ben and Cat.
    for (const who of [await user('Ben'), await user('Cat')]) {
      expect((await createRoom(servers[1], who, address)).status).toBe(201);
      expect((await createRoom(servers[0], who, address)).status).toBe(201);
    }
    const dan = await user('Dan');
    const fromAddress = await createRoom(servers[1], dan, address);
    expect(fromAddress.status).toBe(429);
    expect(await fromAddress.json()).toEqual({ code: 1, error: translate('en', 'rooms.tooManyFromAddress', { minutes: 60 }) });
    expect((await createRoom(servers[0], dan, newAddress())).status).toBe(201);
  });

  it('SEARCH_RATE_LIMIT: searches of one user count on every server', async () => {
    const eve = await user('Eve');
    const search = (server: TestServer) => fetch(`${server.url}/search?q=hello`, { headers: { cookie: eve.cookie } });
    expect((await search(servers[0])).status).toBe(200);
    expect((await search(servers[1])).status).toBe(200);
    const refused = await search(servers[0]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
  });

  it('MAX_CONNECTIONS_PER_USER: a tab on each server, and a third on either is closed with 1008 until one closes', async () => {
    const tabs = await user('Tabs');
    const first = await connect(servers[0], tabs);
    await connect(servers[1], tabs);
    expect(await tryConnect(servers[0], tabs)).toBe(1008);
    expect(await tryConnect(servers[1], tabs)).toBe(1008);
    await first.close();
    const again = await until('a tab to be let in again', () => tryConnect(servers[1], tabs), (result) => result instanceof TestClient, 5000);
    expect((again as TestClient).isOpen).toBe(true);
  });

  it('MAX_CONNECTIONS_PER_ADDRESS: sockets from one address count on every server, 429 past the cap, freed on close', async () => {
    const local = newLoopback();
    const [kim, lee] = [await user('Kim'), await user('Lee')];
    const first = await connect(servers[0], kim, local);
    await connect(servers[1], kim, local);
    await connect(servers[1], lee, local);
    expect(await tryConnect(servers[0], lee, local)).toBe(429);
    expect(await tryConnect(servers[1], lee, local)).toBe(429);
    // Another address is not affected.
    const elsewhere = await tryConnect(servers[0], lee);
    expect(elsewhere).toBeInstanceOf(TestClient);
    await (elsewhere as TestClient).close();
    await first.close();
    const again = await until('a socket from the address to be let in again', () => tryConnect(servers[0], lee, local), (result) => result instanceof TestClient, 5000);
    expect((again as TestClient).isOpen).toBe(true);
  });
});
