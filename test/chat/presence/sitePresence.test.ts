// Presence across processes (src/chat/presence/remotePresence.ts, presenceSync.ts): two
// real servers in this process on one PostgreSQL database, each with its own link to one shared
// bus that delivers later, through JSON (a DeferredBus standing for Redis; test/helpers/busLink.ts
// lets a test cut one server off, or take its bus away and bring it back). Lists and `GET /rooms`
// show everyone on the site; `join` and `left` are told once, when a user arrives anywhere and
// when their last connection anywhere goes; a newcomer server learns who is there; the users of a
// server that vanishes leave within PRESENCE_TIMEOUT_MS, and at once when it stops cleanly.
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../../src/bus/bus.js';
import { DeferredBus } from '../../../src/bus/deferred.js';
import type { ServerMessage, ServerMessages, User } from '../../../src/shared/protocol/index.js';
import { BusLink } from '../../helpers/busLink.js';
import { flushPresence, join, personName, presence, roomName } from '../../helpers/chat.js';
import { TestClient } from '../../helpers/client.js';
import { postgresForTests, useTestDatabase } from '../../helpers/postgres.js';
import { signIn, startTestServer, tempDataDir, type SignedIn, type TestServer } from '../../helpers/server.js';
import { sleep } from '../../helpers/wait.js';

describe.skipIf(!(await postgresForTests()))('presence across processes', () => {
  const database = useTestDatabase();
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** A server on the test's database, with its own link to the shared bus. */
  async function startOn(bus: Bus, env: Record<string, string> = {}): Promise<{ server: TestServer; link: BusLink }> {
    const link = new BusLink(bus);
    const settings = { DATABASE_URL: database.url, SIGNIN_RATE_LIMIT: '0', ROOM_RATE_LIMIT: '0', ...env };
    const server = await startTestServer(settings, tempDataDir(), { bus: link });
    servers.push(server);
    return { server, link };
  }

  async function twoServers(env: Record<string, string> = {}) {
    const bus = new DeferredBus();
    const one = await startOn(bus, env);
    const two = await startOn(bus, env);
    return { bus, one, two };
  }

  /** Connects and waits for the greeting; the lobby list is in `received`. */
  async function connect(server: TestServer, who: SignedIn): Promise<TestClient> {
    const client = await TestClient.connect(server.wsUrl, { cookie: who.cookie, greeted: true, greetTimeoutMs: 3000 });
    clients.push(client);
    return client;
  }

  async function createRoom(server: TestServer, who: SignedIn): Promise<string> {
    const name = roomName();
    const response = await fetch(`${server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: who.cookie }, body: JSON.stringify({ name }) });
    expect(response.status).toBe(201);
    return name;
  }

  const names = (users: readonly User[]) => users.map((user) => user.name).sort();
  const lobbyList = (client: TestClient) => client.received.find((m): m is ServerMessages['list'] => m.type === 'list' && m.room === 'lobby')!;
  const told = (client: TestClient, type: 'join' | 'left', user: User, room = 'lobby') => client.received.filter(presence(type, user, room)).length;

  async function usersOnline(server: TestServer, who: SignedIn, room: string): Promise<string[]> {
    const rooms = (await (await fetch(`${server.url}/rooms`, { headers: { cookie: who.cookie } })).json()) as { name: string; users: User[] }[];
    return names(rooms.find((entry) => entry.name === room)!.users);
  }

  /** Two servers: Alice connected to the first, in the lobby and a room she made; Bob signed in, not connected yet. */
  async function aliceOnTheFirst(env: Record<string, string> = {}) {
    const { one, two } = await twoServers(env);
    const alice = await signIn(one.server.url, personName('Alice'));
    const bob = await signIn(two.server.url, personName('Bob'));
    const room = await createRoom(one.server, alice);
    const a = await connect(one.server, alice);
    await join(a, room);
    return { one, two, alice, bob, room, a };
  }

  it('lists, on one server, someone connected only to the other: in the lobby, another room, GET /rooms and people', async () => {
    const { one, two, alice, bob, room, a } = await aliceOnTheFirst();

    const b = await connect(two.server, bob);
    expect(names(lobbyList(b).data)).toEqual(names([alice.user, bob.user]));
    expect(await usersOnline(two.server, bob, room)).toEqual([alice.user.name]);
    expect(names((await join(b, room)).data)).toEqual(names([alice.user, bob.user]));
    b.send({ type: 'people', room, q: alice.user.name.slice(0, 4) });
    const found = await b.next<ServerMessages['people']>((m) => m.type === 'people');
    expect(found.data.map((user) => user.id)).toEqual([alice.user.id]);

    // And the other way: Alice, on the first server, was told of Bob's arrival in both rooms.
    await a.next(presence('join', bob.user));
    await a.next(presence('join', bob.user, room));
    expect(await usersOnline(one.server, alice, 'lobby')).toEqual(names([alice.user, bob.user]));
  });

  it('tells join once, when a user arrives anywhere, and left once, when their last tab anywhere goes', async () => {
    const { one, two } = await twoServers();
    const [alice, carol, dave] = [await signIn(one.server.url, personName('Alice')), await signIn(two.server.url, personName('Carol')), await signIn(one.server.url, personName('Dave'))];
    const c = await connect(two.server, carol);
    const d = await connect(one.server, dave);
    const watchers = [c, d];

    const firstTab = await connect(one.server, alice);
    for (const watcher of watchers) await watcher.next(presence('join', alice.user));
    const secondTab = await connect(two.server, alice);
    expect(names(lobbyList(secondTab).data)).toEqual(names([alice.user, carol.user, dave.user]));
    for (const watcher of watchers) await flushPresence(watcher);
    for (const watcher of watchers) expect(told(watcher, 'join', alice.user)).toBe(1);

    await firstTab.close();
    for (const watcher of watchers) await flushPresence(watcher);
    for (const watcher of watchers) expect(watcher.pending(presence('left', alice.user))).toEqual([]);
    expect(await usersOnline(two.server, carol, 'lobby')).toEqual(names([alice.user, carol.user, dave.user]));

    await secondTab.close();
    for (const watcher of watchers) await watcher.next(presence('left', alice.user));
    for (const watcher of watchers) await flushPresence(watcher);
    for (const watcher of watchers) expect([told(watcher, 'join', alice.user), told(watcher, 'left', alice.user)]).toEqual([1, 1]);
    expect(await usersOnline(one.server, dave, 'lobby')).toEqual(names([carol.user, dave.user]));
  });

  it('lets a server started after the others see who is there already, in rooms it has nobody in too', async () => {
    const bus = new DeferredBus();
    const one = await startOn(bus);
    const alice = await signIn(one.server.url, personName('Alice'));
    const room = await createRoom(one.server, alice);
    const a = await connect(one.server, alice);
    await join(a, room);

    const late = await startOn(bus);
    const bob = await signIn(late.server.url, personName('Bob'));
    expect(await usersOnline(late.server, bob, room)).toEqual([alice.user.name]);
    const b = await connect(late.server, bob);
    expect(names(lobbyList(b).data)).toEqual(names([alice.user, bob.user]));
    expect(names((await join(b, room)).data)).toEqual(names([alice.user, bob.user]));
  });

  it('has the users of a server that vanished without a goodbye leave within PRESENCE_TIMEOUT_MS', async () => {
    const timeoutMs = 2000;
    const { one, two, alice, bob, room } = await aliceOnTheFirst({ PRESENCE_TIMEOUT_MS: String(timeoutMs) });
    const b = await connect(two.server, bob);
    expect(names((await join(b, room)).data)).toEqual(names([alice.user, bob.user]));

    // The first server is gone for everyone else: nothing from it arrives any more, not even its lefts.
    one.link.sever();
    const cut = Date.now();
    await b.next(presence('left', alice.user), timeoutMs + 1000);
    await b.next(presence('left', alice.user, room), timeoutMs + 1000);
    expect(Date.now() - cut).toBeLessThanOrEqual(timeoutMs);
    expect(await usersOnline(two.server, bob, room)).toEqual([bob.user.name]);
  });

  it('has the users of a server that stops cleanly leave at once', async () => {
    const { one, two, alice, bob, room } = await aliceOnTheFirst();
    const b = await connect(two.server, bob);
    await join(b, room);

    const stopping = Date.now();
    await one.server.close();
    await b.next(presence('left', alice.user), 3000);
    await b.next(presence('left', alice.user, room), 3000);
    // Far sooner than PRESENCE_TIMEOUT_MS (15 s here): said, not waited out.
    expect(Date.now() - stopping).toBeLessThan(3000);
    expect(await usersOnline(two.server, bob, 'lobby')).toEqual([bob.user.name]);
  });

  it('expires nobody while its own bus is away, and catches up with hello when it is back', async () => {
    const timeoutMs = 2000;
    const { one, two } = await twoServers({ PRESENCE_TIMEOUT_MS: String(timeoutMs) });
    const [alice, bob, carol] = [await signIn(one.server.url, personName('Alice')), await signIn(two.server.url, personName('Bob')), await signIn(one.server.url, personName('Carol'))];
    const a = await connect(one.server, alice);
    const b = await connect(two.server, bob);
    await a.next(presence('join', bob.user));

    two.link.goAway();
    // The first server, still on the bus, no longer hears the second: its users leave there.
    await a.next(presence('left', bob.user), timeoutMs + 1000);
    const c = await connect(one.server, carol);
    // A beat more, for the second server's own check to have run past the bound too.
    await sleep(timeoutMs / 2);
    await b.settle();
    expect(b.pending((m: ServerMessage) => m.type === 'left')).toEqual([]);

    two.link.comeBack();
    await b.next(presence('join', carol.user));
    await a.next(presence('join', bob.user));
    await c.next(presence('join', bob.user));
    expect(await usersOnline(two.server, bob, 'lobby')).toEqual(names([alice.user, bob.user, carol.user]));
  });
});
