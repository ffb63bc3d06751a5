// Big rooms for the page (`?presence=batch&people=lazy`): past BIG_ROOM people it is told how
// many are there instead of who, and finds people with `people` requests; protocol clients
// that did not ask still get the contract's full list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_ROOM, PEOPLE_RESULTS, type ServerMessage } from '../../src/shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

const chat = useServer({ RATE_LIMIT: '0' });
/** The room's people, connected once for the whole file (the fixture closes a test's own sockets after it). */
const crowd: TestClient[] = [];
let people: SignedIn[] = [];

/** Connects as the page does, and keeps the connection for the tests after this one. */
async function lazy(who: SignedIn): Promise<TestClient> {
  const client = await TestClient.connect(chat.server.wsUrl, { cookie: who.cookie, presence: 'batch', people: 'lazy', greeted: true, greetTimeoutMs: 3000 });
  crowd.push(client);
  return client;
}

function lobbyList(client: TestClient) {
  const list = client.received.find((m) => m.type === 'list' && m.room === 'lobby');
  if (list?.type !== 'list') throw new Error('no lobby list');
  return list;
}

beforeAll(async () => {
  people = await Promise.all(Array.from({ length: BIG_ROOM + 2 }, (_, i) => chat.signIn(`crowd ${i}`)));
  // One short of BIG_ROOM: the next arrival makes it exactly BIG_ROOM, not yet big.
  for (const who of people.slice(0, BIG_ROOM - 1)) crowd.push(await TestClient.ready(chat.server.wsUrl, who.cookie));
}, 60_000);

afterAll(async () => {
  await Promise.all(crowd.map((client) => client.close()));
});

describe('a big room, for a page that asked for people=lazy', () => {
  it('is listed in full up to BIG_ROOM people, then by number; a client that did not ask gets everyone', async () => {
    const atLimit = await lazy(people[BIG_ROOM - 1]!);
    expect(lobbyList(atLimit).data).toHaveLength(BIG_ROOM);
    expect(lobbyList(atLimit).count).toBeUndefined();

    const past = await lazy(people[BIG_ROOM]!);
    expect(lobbyList(past)).toEqual({ type: 'list', room: 'lobby', data: [], count: BIG_ROOM + 1 });
    // The one already there hears the new number, not the new name.
    const update = await atLimit.next((m) => m.type === 'presence');
    expect(update).toEqual({ type: 'presence', room: 'lobby', joined: [], left: [], count: BIG_ROOM + 1 });

    const batchOnly = await chat.connect(people[BIG_ROOM + 1]!, { presence: 'batch' });
    expect(lobbyList(batchOnly).data).toHaveLength(BIG_ROOM + 2);
    expect(lobbyList(batchOnly).count).toBeUndefined();
    // Lazy without batched presence is not asked for: the contract's list.
    await batchOnly.close();
    const lazyPlain = await TestClient.connect(chat.server.wsUrl, { cookie: people[BIG_ROOM + 1]!.cookie, people: 'lazy', greeted: true, greetTimeoutMs: 3000 });
    crowd.push(lazyPlain);
    expect(lobbyList(lazyPlain).data).toHaveLength(BIG_ROOM + 2);
  });

  it('finds people by name, those whose name starts with the words first, at most PEOPLE_RESULTS', async () => {
    const client = crowd.at(-2)!;
    client.send({ type: 'people', room: 'lobby', q: 'CROWD 1', ref: 'p1' });
    const found = await client.next((m) => m.type === 'people' && m.ref === 'p1');
    expect(found.type === 'people' && found.q).toBe('CROWD 1');
    const names = found.type === 'people' ? found.data.map((u) => u.name) : [];
    expect(names).toHaveLength(PEOPLE_RESULTS);
    expect(names[0]).toBe('crowd 1');
    for (const name of names) expect(name.startsWith('crowd 1')).toBe(true);

    client.send({ type: 'people', room: 'lobby', q: 'crowd 7 hello there', ref: 'p2' });
    const atName = await client.next((m) => m.type === 'people' && m.ref === 'p2');
    expect(atName.type === 'people' && atName.data.map((u) => u.name)).toEqual(['crowd 7']);
  });

  it('answers a bad people request with an error and keeps the connection', async () => {
    const client = crowd.at(-2)!;
    const errorFor = async (request: object): Promise<string | undefined> => {
      client.send(request);
      const answer = (await client.next((m) => m.type === 'error' || m.type === 'people')) as ServerMessage;
      return answer.type === 'error' ? answer.data.code : undefined;
    };
    expect(await errorFor({ type: 'people', room: 'lobby', q: '   ' })).toBe('empty');
    expect(await errorFor({ type: 'people', room: 'lobby', q: 'x'.repeat(40) })).toBe('too_long');
    expect(await errorFor({ type: 'people', room: 'lobby' })).toBe('bad_message');
    expect(await errorFor({ type: 'people', room: 'nowhere', q: 'a' })).toBe('no_such_room');
    await chat.createRoom(people[0]!, 'elsewhere');
    expect(await errorFor({ type: 'people', room: 'elsewhere', q: 'crowd' })).toBe('not_in_room');
    expect(await errorFor({ type: 'people', room: 'lobby', q: 'nobody by this name' })).toBeUndefined();
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });
});
