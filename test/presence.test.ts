// Presence under load: a burst of arrivals is coalesced (one write per member per flush, and for
// `?presence=batch` connections one `presence` frame), while every connection still ends with an
// exact view of who is in the room, and plain protocol clients still get the contract's frames.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomPresence, type Member } from '../src/chat/presence/roomPresence.js';
import { BIG_ROOM, PEOPLE_RESULTS, peopleMatching, type ServerMessage, type User } from '../src/shared/protocol/index.js';
import { TestClient } from './helpers/client.js';
import { decodeFrames } from './helpers/frames.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from './helpers/server.js';

// --- the coalescing itself, on RoomPresence -------------------------------------------------------

function member(id: string, batchPresence = false, lazyPeople = false): Member {
  const user: User = { id, name: `name-${id}`, image: 0 };
  return {
    user,
    userJson: JSON.stringify(user),
    batchPresence,
    lazyPeople,
  };
}

/** Flushes and returns, per member, the messages it was handed. */
function flushed(room: RoomPresence): Map<Member, ServerMessage[]> {
  const out = new Map<Member, ServerMessage[]>();
  room.flush((m, parts) => {
    const decoded = decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage);
    out.set(m, [...(out.get(m) ?? []), ...decoded]);
  });
  return out;
}

function arrive(room: RoomPresence, m: Member): void {
  if (room.add(m)) room.record('join', m.user, m.userJson);
  room.markListed(m);
}

function depart(room: RoomPresence, m: Member): void {
  if (room.remove(m)) room.record('left', m.user, m.userJson);
}

describe('RoomPresence', () => {
  it('hands an earlier member one write with every arrival, in order', () => {
    const room = new RoomPresence('lobby');
    const old = member('old');
    arrive(room, old);
    flushed(room);
    const newcomers = ['a', 'b', 'c', 'd'].map((id) => member(id));
    for (const m of newcomers) arrive(room, m);
    let writes = 0;
    const messages: ServerMessage[] = [];
    room.flush((m, parts) => {
      if (m !== old) return;
      writes++;
      messages.push(...decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage));
    });
    expect(writes).toBe(1);
    expect(messages.map((m) => m.type === 'join' && m.user.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives a member that arrived mid-batch only what its list did not have', () => {
    const room = new RoomPresence('lobby');
    arrive(room, member('old'));
    flushed(room);
    const [a, b, c] = [member('a'), member('b', true), member('c')];
    arrive(room, a);
    arrive(room, b);
    arrive(room, c);
    const out = flushed(room);
    // a listed before b and c arrived: it hears of them, not of itself.
    expect(out.get(a)?.map((m) => m.type === 'join' && m.user.id)).toEqual(['b', 'c']);
    // b (batched) hears of c only; c arrived last and its list had everyone.
    expect(out.get(b)).toEqual([{ type: 'presence', room: 'lobby', joined: [c.user], left: [] }]);
    expect(out.has(c)).toBe(false);
  });

  it('gives each batched member of a burst the arrivals after its own list, and a burst of departures to all', () => {
    const room = new RoomPresence('lobby');
    const watcher = member('w', true);
    arrive(room, watcher);
    flushed(room);
    const burst = ['a', 'b', 'c', 'd'].map((id) => member(`${id}-名`, true));
    for (const m of burst) arrive(room, m);
    const out = flushed(room);
    const joinedIds = (m: Member) => out.get(m)?.map((msg) => msg.type === 'presence' && [msg.joined.map((u) => u.id), msg.left]);
    expect(joinedIds(watcher)).toEqual([[['a-名', 'b-名', 'c-名', 'd-名'], []]]);
    expect(joinedIds(burst[0]!)).toEqual([[['b-名', 'c-名', 'd-名'], []]]);
    expect(joinedIds(burst[2]!)).toEqual([[['d-名'], []]]);
    expect(out.has(burst[3]!)).toBe(false);

    for (const m of burst.slice(0, 3)) depart(room, m);
    const gone = flushed(room);
    for (const m of [watcher, burst[3]!]) {
      expect(gone.get(m)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: burst.slice(0, 3).map((b) => b.user) }]);
    }
  });

  it('sends batched members the net change: someone who came and went is not there at all', () => {
    const room = new RoomPresence('lobby');
    const [watcher, plain, stayer, visitor] = [member('w', true), member('p'), member('s'), member('v')];
    arrive(room, watcher);
    arrive(room, plain);
    arrive(room, stayer);
    flushed(room);
    arrive(room, visitor);
    depart(room, visitor);
    depart(room, stayer);
    const out = flushed(room);
    expect(out.get(watcher)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [stayer.user] }]);
    // A plain client gets every contract frame, in order.
    expect(out.get(plain)?.map((m) => `${m.type}:${'user' in m ? m.user.id : ''}`)).toEqual(['join:v', 'left:v', 'left:s']);
  });

  it('lists each user once however many connections they have, and forgets who left', () => {
    const room = new RoomPresence('lobby');
    const [a1, a2, b] = [member('a'), member('a'), member('b')];
    expect(room.add(a1)).toBe(true);
    expect(room.add(a2)).toBe(false);
    expect(room.add(b)).toBe(true);
    const list = () => JSON.parse(decodeFrames(Buffer.concat(room.listFrame()))[0]!) as { data: User[] };
    expect(list().data.map((u) => u.id)).toEqual(['a', 'b']);
    expect(room.remove(a1)).toBe(false);
    expect(room.remove(a2)).toBe(true);
    expect(list().data.map((u) => u.id)).toEqual(['b']);
  });

  it('keeps a list frame already queued unchanged while the room changes, at any size', () => {
    const room = new RoomPresence('lobby');
    const list = (parts: Buffer[]) => (JSON.parse(decodeFrames(Buffer.concat(parts))[0]!) as { data: User[] }).data.map((u) => u.id);
    const people = Array.from({ length: 2000 }, (_, i) => member(`user-${i}-${'x'.repeat(20)}`));
    for (const m of people.slice(0, 1000)) room.add(m);
    const queued = room.listFrame();
    // Growing the list past its buffer, and a departure that rebuilds it, must not touch queued bytes.
    for (const m of people.slice(1000)) room.add(m);
    room.remove(people[0]!);
    const later = room.listFrame();
    expect(list(queued)).toEqual(people.slice(0, 1000).map((m) => m.user.id));
    // Over 64 KiB of JSON: the 64-bit length form, decoded by ws.
    expect(Buffer.concat(later).length).toBeGreaterThan(65_536);
    expect(list(later)).toEqual(people.slice(1).map((m) => m.user.id));
  });
});

describe('RoomPresence in a big room, for members that asked for people=lazy', () => {
  const decode = (parts: readonly Buffer[]) => decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage);
  function crowd(room: RoomPresence, n: number, prefix: string): Member[] {
    const people = Array.from({ length: n }, (_, i) => member(`${prefix}${i}`));
    for (const m of people) arrive(room, m);
    return people;
  }

  it('greets a lazy member with the number of people once there are more than BIG_ROOM, others with everyone', () => {
    const room = new RoomPresence('lobby');
    crowd(room, BIG_ROOM - 1, 'u');
    const lazy = member('lazy', true, true);
    room.add(lazy);
    expect(decode(room.greeting(lazy))).toEqual([{ type: 'list', room: 'lobby', data: expect.any(Array) }]);
    expect((decode(room.greeting(lazy))[0] as { data: User[] }).data).toHaveLength(BIG_ROOM);
    room.add(member('one-more'));
    expect(decode(room.greeting(lazy))).toEqual([{ type: 'list', room: 'lobby', data: [], count: BIG_ROOM + 1 }]);
    const batched = member('batched', true);
    room.add(batched);
    expect((decode(room.greeting(batched))[0] as { data: User[] }).data).toHaveLength(BIG_ROOM + 2);
  });

  it('sends a lazy member of a big room the new number, batched and plain members who came', () => {
    const room = new RoomPresence('lobby');
    const [lazy, batched, plain] = [member('lazy', true, true), member('batched', true), member('plain')];
    for (const m of [lazy, batched, plain]) arrive(room, m);
    flushed(room);
    crowd(room, BIG_ROOM, 'u');
    const out = flushed(room);
    expect(out.get(lazy)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [], count: BIG_ROOM + 3 }]);
    expect(out.get(batched)?.[0]).toMatchObject({ type: 'presence', joined: expect.any(Array), left: [] });
    expect((out.get(batched)?.[0] as { joined: User[] }).joined).toHaveLength(BIG_ROOM);
    expect(out.get(plain)).toHaveLength(BIG_ROOM);
  });

  it('gives a lazy member the full list again when the room is no longer big, then changes as usual', () => {
    const room = new RoomPresence('lobby');
    const lazy = member('lazy', true, true);
    const people = crowd(room, BIG_ROOM + 5, 'u');
    arrive(room, lazy);
    expect(decode(room.greeting(lazy))[0]).toMatchObject({ data: [], count: BIG_ROOM + 6 });
    flushed(room);
    for (const m of people.slice(0, 10)) depart(room, m);
    const out = flushed(room);
    const [list] = out.get(lazy) ?? [];
    expect(list?.type).toBe('list');
    expect(list?.type === 'list' && list.count).toBeUndefined();
    expect(list?.type === 'list' && new Set(list.data.map((u) => u.id))).toEqual(new Set([...people.slice(10), lazy].map((m) => m.user.id)));
    depart(room, people[10]!);
    expect(flushed(room).get(lazy)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [people[10]!.user] }]);
  });
});

describe('peopleMatching', () => {
  const user = (name: string, i = 0): User => ({ id: `${name}-${i}`, name, image: 0 });

  it('finds names containing the query, ignoring case, those starting with it first', () => {
    const users = [user('Ann Lee'), user('Joanna'), user('anna'), user('Bob')];
    expect(peopleMatching(users, 'ANN').map((u) => u.name)).toEqual(['Ann Lee', 'anna', 'Joanna']);
    expect(peopleMatching(users, '路人')).toEqual([]);
  });

  it('finds the name an `@name message` starts with, before anything else', () => {
    const users = [user('bob the builder'), user('bob'), user('rob')];
    expect(peopleMatching(users, 'bob hello').map((u) => u.name)).toEqual(['bob']);
    expect(peopleMatching(users, 'bob').map((u) => u.name)).toEqual(['bob', 'bob the builder']);
  });

  it('returns at most PEOPLE_RESULTS', () => {
    const many = Array.from({ length: 100 }, (_, i) => user(`idle ${i}`, i));
    expect(peopleMatching(many, 'idle')).toHaveLength(PEOPLE_RESULTS);
    expect(peopleMatching(many, 'idle 42 hi').map((u) => u.name)).toEqual(['idle 4', 'idle 42']);
  });
});

// --- against the real server ------------------------------------------------------------------------

let server: TestServer;
const open: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
});

afterAll(async () => {
  await server?.close();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function connect(who: SignedIn, presence?: 'batch'): Promise<TestClient> {
  const client = await TestClient.ready(server.wsUrl, who.cookie, undefined, presence);
  open.push(client);
  return client;
}

let counter = 0;
function signInMany(count: number): Promise<SignedIn[]> {
  return Promise.all(Array.from({ length: count }, () => signIn(server.url, `p${++counter}`)));
}

/**
 * Who a client believes is in the lobby, from its list and the presence that followed; throws when
 * a plain client is told of an arrival it already knew of or a departure of someone absent.
 */
function lobbyView(client: TestClient): Set<string> {
  let view = new Set<string>();
  for (const message of client.received) {
    if (message.type === 'list' && message.room === 'lobby') view = new Set(message.data.map((u) => u.id));
    if (message.type === 'join' && message.room === 'lobby') {
      if (view.has(message.user.id)) throw new Error(`join of ${message.user.id}, already listed`);
      view.add(message.user.id);
    }
    if (message.type === 'left' && message.room === 'lobby') {
      if (!view.has(message.user.id)) throw new Error(`left of ${message.user.id}, who was not there`);
      view.delete(message.user.id);
    }
    if (message.type === 'presence' && message.room === 'lobby') {
      for (const user of message.joined) view.add(user.id);
      for (const user of message.left) view.delete(user.id);
    }
  }
  return view;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('presence in a burst of connections', () => {
  it('reaches a batched member in a few presence frames, not one per arrival', async () => {
    const [watcherUser, ...crowd] = await signInMany(151);
    const watcher = await connect(watcherUser!, 'batch');
    await Promise.all(crowd.map((who) => connect(who)));
    const everyone = new Set([watcherUser!, ...crowd].map((who) => who.user.id));
    await until(() => lobbyView(watcher).size === everyone.size);
    expect(lobbyView(watcher)).toEqual(everyone);
    const frames = watcher.received.filter((m) => m.type === 'presence').length;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(crowd.length / 2);
    expect(watcher.received.some((m) => m.type === 'join')).toBe(false);
  });

  it('leaves every connection of the burst, plain or batched, with the exact room', async () => {
    const people = await signInMany(80);
    const clients = await Promise.all(people.map((who, i) => connect(who, i % 2 === 0 ? 'batch' : undefined)));
    const everyone = new Set(people.map((who) => who.user.id));
    // lobbyView throws on a duplicate join or a left of someone absent (plain clients).
    await until(() => clients.every((client) => lobbyView(client).size === everyone.size));
    for (const client of clients) expect(lobbyView(client)).toEqual(everyone);

    // Half of them go at once: everyone left sees exactly the other half.
    const leaving = clients.slice(0, 40);
    await Promise.all(leaving.map((client) => client.close()));
    const staying = new Set(people.slice(40).map((who) => who.user.id));
    const remaining = clients.slice(40);
    await until(() => remaining.every((client) => lobbyView(client).size === staying.size));
    for (const client of remaining) expect(lobbyView(client)).toEqual(staying);
  });

  it('still gives a plain protocol client one join per arrival and one left per departure, in order', async () => {
    const [observerUser, ...others] = await signInMany(21);
    const observer = await connect(observerUser!);
    const clients: TestClient[] = [];
    for (const who of others) clients.push(await connect(who));
    for (const client of clients) await client.close();
    const ids = others.map((who) => who.user.id);
    await until(() => observer.received.filter((m) => m.type === 'left').length === ids.length);
    const presence = observer.received.filter((m) => m.type === 'join' || m.type === 'left');
    expect(presence.map((m) => `${m.type}:${'user' in m ? m.user.id : ''}`)).toEqual([
      ...ids.map((id) => `join:${id}`),
      ...ids.map((id) => `left:${id}`),
    ]);
  });

  it('never shows a message from someone before their arrival', async () => {
    const [observerUser, first, second] = await signInMany(3);
    const observer = await connect(observerUser!);
    // The first arrival flushes presence; the second's join then waits for the next interval,
    // and its chat, sent at once, must not overtake it.
    await connect(first!);
    const talker = await connect(second!);
    talker.send({ type: 'chat', data: 'hello right away' });
    await observer.next((m) => m.type === 'chat' && m.data === 'hello right away');
    const order = observer.received
      .filter((m) => (m.type === 'join' && m.user.id === second!.user.id) || m.type === 'chat')
      .map((m) => m.type);
    expect(order).toEqual(['join', 'chat']);
  });
});

describe('the latest page a newcomer gets', () => {
  it('is the same for arrivals in a quiet room and includes every message said since', async () => {
    const [a, b, c, d] = await signInMany(4);
    const first = await connect(a!);
    const second = await connect(b!);
    const historyOf = (client: TestClient) => client.received.find((m) => m.type === 'history' && 'room' in m && m.room === 'lobby');
    expect(historyOf(second)).toEqual(historyOf(first));
    first.send({ type: 'chat', data: 'said after the page was made', ref: 'r1' });
    await first.next((m) => m.type === 'chat' && m.ref === 'r1');
    const third = await connect(c!);
    const page = historyOf(third);
    expect(page?.type === 'history' && page.data.at(-1)?.data).toBe('said after the page was made');
    second.send({ type: 'chat', data: 'and one more' });
    await second.next((m) => m.type === 'chat' && m.data === 'and one more');
    const fourth = await connect(d!);
    const latest = historyOf(fourth);
    expect(latest?.type === 'history' && latest.data.slice(-2).map((m) => m.data)).toEqual(['said after the page was made', 'and one more']);
  });
});
