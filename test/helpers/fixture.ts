// The integration suites' one set-up: the real server started once per test file on an ephemeral
// port with a temporary data folder, the sockets a test opens closed after it, and the steps every
// suite takes (sign in, connect and wait for the greeting, make a room). Suites call it once, at
// the top: `const chat = useServer({ RATE_LIMIT: '3' })`; a suite that needs a server with other
// settings for some tests calls it again inside a `describe` (its server runs for that block).
// A name is held while its guest is signed in (docs/protocol.md, "Names"), and a file's tests share
// one server: whoever a test signs in is signed out after it, as a person leaving would be, so the
// next test may be "Alice" too. Those signed in before the tests (beforeAll) stay for the file.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { ConnectOptions } from '../../src/tools/kit/client.js';
import { roomName } from './chat.js';
import { TestClient } from './client.js';
import { createTestDatabase, onPostgres, type TestDatabase } from './postgres.js';
import { deleteKeys, onRedis, TEST_REDIS_URL, testRedisPrefix } from './redis.js';
import { clusterSize, signIn, startTestServer, tempDataDir, type SignedIn, type TestServer } from './server.js';

export interface ServerFixture {
  /** The running server (from the file's beforeAll on); in a cluster run, the first of them. */
  readonly server: TestServer;
  /** Every process of the site: one, or with TEST_CLUSTER=n, n on one PostgreSQL and one Redis. */
  readonly servers: readonly TestServer[];
  signIn(name?: string): Promise<SignedIn>;
  /** Signs in each name, one after another: `const [alice, bob] = await chat.users('Alice', 'Bob')`. */
  users<Names extends string[]>(...names: Names): Promise<{ [K in keyof Names]: SignedIn }>;
  /** Connects as `who` and waits for the greeting (history or resume, then the lobby list). */
  connect(who: SignedIn, options?: Omit<ConnectOptions, 'cookie' | 'greeted'>): Promise<TestClient>;
  /** Connects each, one after another (so each greeting is over before the next connects). */
  connectEach<Who extends SignedIn[]>(...who: Who): Promise<{ [K in keyof Who]: TestClient }>;
  /**
   * Opens a socket without waiting for a greeting (refusals, closes). `who` is a signed-in user, a
   * Cookie header sent as it is (a tampered one, say), or undefined for no cookie at all.
   */
  open(who: SignedIn | string | undefined, options?: Omit<ConnectOptions, 'cookie'>): Promise<TestClient>;
  /** Keeps a client opened some other way, to be closed after the test like the rest. */
  keep(client: TestClient): TestClient;
  /** Creates a room over HTTP as `who`; 201 expected. */
  createRoom(who: SignedIn, name?: string): Promise<string>;
  /** Closes every socket opened so far. */
  closeSockets(): Promise<void>;
  /**
   * Stops the server (its sockets hear 1001, as in a real restart) and starts it again on the same
   * data folder, on a new port. `env` goes on top of the settings from then on (a new secret, say);
   * `between` runs while the server is down (to make the database an older version's, say).
   */
  restart(options?: RestartOptions): Promise<TestServer>;
}

export interface RestartOptions {
  env?: Record<string, string>;
  between?: (dataDir: string) => void;
}

/**
 * Starts the server for this test file. `env` is the server's settings on top of its defaults;
 * sign-ins, room creation and searches are not limited unless a file asks (every test signs in,
 * makes rooms and searches from the same address, far more often than a person would).
 */
export function useServer(env: Record<string, string> = {}): ServerFixture {
  let settings: Record<string, string> = { SIGNIN_RATE_LIMIT: '0', ROOM_RATE_LIMIT: '0', SEARCH_RATE_LIMIT: '0', ...env };
  const processes = clusterSize();
  const dataDirs = Array.from({ length: processes }, () => tempDataDir());
  let running: TestServer[] = [];
  /** On PostgreSQL (TEST_STORE=postgres), the file's database: it outlives restarts, like the data folder. */
  let database: TestDatabase | undefined;
  let redisPrefix: string | undefined;
  const open: TestClient[] = [];
  /** Signed in by the test under way (undefined outside one): signed out after it. */
  let signedInByTest: SignedIn[] | undefined;
  /** Which process the next socket or sign-in goes to: each in turn, as nginx without sticky sessions would. */
  let turn = 0;
  const next = (): TestServer => fixture.servers[turn++ % fixture.servers.length]!;
  const startAll = async () => {
    running = [];
    for (const dataDir of dataDirs) running.push(await startTestServer(settings, dataDir));
  };
  const closeAll = async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  };

  beforeAll(async () => {
    if (onPostgres() && settings.DATABASE_URL === undefined) {
      database = await createTestDatabase();
      settings = { ...settings, DATABASE_URL: database.url };
    }
    if (onRedis() && settings.REDIS_URL === undefined) {
      redisPrefix = testRedisPrefix();
      settings = { ...settings, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix };
    }
    await startAll();
  });
  afterAll(async () => {
    await closeAll();
    await database?.drop();
    if (redisPrefix !== undefined) await deleteKeys(redisPrefix);
  });
  beforeEach(() => {
    signedInByTest = [];
  });
  afterEach(async () => {
    await fixture.closeSockets();
    const leaving = signedInByTest ?? [];
    signedInByTest = undefined;
    await Promise.all(leaving.map((who) => signOut(who)));
  });

  /** POST /signout with the user's cookies: their session ends, and the name they held is free. */
  const signOut = async (who: SignedIn) => {
    if (running.length === 0) return;
    // Cleanup only: should it fail (a test that left the server stopped), the name stays held and
    // a later test signing it in hears 409, not silence.
    await fetch(`${fixture.server.url}/signout`, { method: 'POST', headers: { cookie: who.cookie }, redirect: 'manual' })
      .then((response) => response.body?.cancel())
      .catch(() => {});
  };

  const fixture: ServerFixture = {
    get server(): TestServer {
      return fixture.servers[0]!;
    },
    get servers(): readonly TestServer[] {
      if (running.length === 0) throw new Error('the server starts in beforeAll: use it inside a test or hook');
      return running;
    },
    signIn: async (name = 'Tester') => {
      const who = await signIn(next().url, name);
      signedInByTest?.push(who);
      return who;
    },
    async users<Names extends string[]>(...names: Names) {
      const users: SignedIn[] = [];
      for (const name of names) users.push(await fixture.signIn(name));
      return users as { [K in keyof Names]: SignedIn };
    },
    connect: async (who, options = {}) => fixture.keep(await TestClient.connect(next().wsUrl, { ...options, cookie: who.cookie, greeted: true, greetTimeoutMs: 3000 })),
    async connectEach<Who extends SignedIn[]>(...who: Who) {
      const clients: TestClient[] = [];
      for (const one of who) clients.push(await fixture.connect(one));
      return clients as { [K in keyof Who]: TestClient };
    },
    open: async (who, options = {}) => {
      const cookie = typeof who === 'string' ? who : who?.cookie;
      return fixture.keep(await TestClient.connect(next().wsUrl, cookie === undefined ? options : { ...options, cookie }));
    },
    keep(client) {
      open.push(client);
      return client;
    },
    async createRoom(who, name = roomName()) {
      const response = await fetch(`${next().url}/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: who.cookie },
        body: JSON.stringify({ name }),
      });
      expect(response.status).toBe(201);
      return name;
    },
    async closeSockets() {
      await Promise.all(open.splice(0).map((client) => client.close()));
    },
    async restart({ env: more = {}, between } = {}) {
      await closeAll();
      for (const dataDir of dataDirs) between?.(dataDir);
      settings = { ...settings, ...more };
      await startAll();
      return fixture.server;
    },
  };
  return fixture;
}
