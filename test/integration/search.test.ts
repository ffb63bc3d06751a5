// `GET /search` (docs/protocol.md, "Rooms of your own, unread, typing and search"): full-text search
// (SQLite's FTS5 trigram index, or PostgreSQL's pg_trgm), only over what the user may see, against
// the real server. Messages from before the index existed: sqlite-upgrades.test.ts.
import { describe, expect, it } from 'vitest';
import { SEARCH_LIMIT, type ChatMessage, type SearchResult } from '../../src/shared/protocol/index.js';
import { dm, join, leave, say } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

const chat = useServer({ RATE_LIMIT: '0' });

let counter = 0;
/** A word no other message here contains (letters only, so it is one token to any reader). */
function token(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let word = 'tok';
  for (let n = ++counter * 7919 + Math.floor(Math.random() * 1000); n > 0; n = Math.floor(n / 26)) word += letters[n % 26];
  return `${word}${letters[Math.floor(Math.random() * 26)]}${letters[Math.floor(Math.random() * 26)]}`;
}

function searchUrl(q: string, room?: string): string {
  const url = new URL('/search', chat.server.url);
  url.searchParams.set('q', q);
  if (room !== undefined) url.searchParams.set('room', room);
  return url.toString();
}

/** Searches as a user; expects 200 and gives the results. */
async function search(who: SignedIn, q: string, room?: string): Promise<SearchResult[]> {
  const response = await fetch(searchUrl(q, room), { headers: { cookie: who.cookie } });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as SearchResult[];
}

const ids = (results: SearchResult[]): number[] => results.map((r) => r.id);

// --- tests ----------------------------------------------------------------------------------------

describe('GET /search', () => {
  it('finds Chinese by two characters (你好 in 大家你好啊) and by three, and English whatever the case', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const chinese = await say(a, '大家你好啊');
    const english = await say(a, `Hello world ${token()}`);
    await say(a, '你们好'); // 你 and 好, but not together

    const two = await search(alice, '你好');
    expect(ids(two)).toContain(chinese.id);
    expect(two.every((r) => r.data.includes('你好'))).toBe(true);
    expect(two.find((r) => r.id === chinese.id)).toEqual({
      id: chinese.id,
      room: 'lobby',
      user: { id: alice.user.id, name: alice.user.name, image: alice.user.image },
      data: '大家你好啊',
      ts: chinese.ts,
    });
    expect(ids(await search(alice, '你好啊'))).toContain(chinese.id);
    expect(ids(await search(alice, '好'))).toContain(chinese.id);
    expect(ids(await search(alice, '  你好  '))).toContain(chinese.id);

    for (const q of ['hello', 'HELLO WORLD', 'lo wo', 'Hello world']) {
      const found = await search(alice, q);
      expect(ids(found), q).toContain(english.id);
      expect(found.every((r) => r.data.toLowerCase().includes(q.toLowerCase())), q).toBe(true);
    }
    expect(ids(await search(alice, 'hello worlds'))).not.toContain(english.id);
  });

  it('returns only what the user may see: their rooms and their own DMs, never anyone else\'s', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const [a, b, c] = await chat.connectEach(alice, bob, carol);
    const room = await chat.createRoom(alice);
    await join(a, room);

    // one long word (indexed path) and one rare character (the short path) in every message
    const word = token();
    const rare = '龘';
    const text = (label: string) => `${label} ${word} ${rare}${counter}`;
    const inLobby = await say(a, text('lobby'));
    const inRoom = await say(a, text('room'), room);
    const aliceToCarol = await dm(a, carol.user, text('alice to carol'));
    const bobToAlice = await dm(b, alice.user, text('bob to alice'));
    const aliceToBob = await dm(a, bob.user, text('alice to bob'));

    for (const q of [word, rare, `${word} ${rare}`]) {
      const forBob = await search(bob, q);
      expect(ids(forBob).filter((id) => [inLobby, inRoom, aliceToCarol, bobToAlice, aliceToBob].some((m) => m.id === id)), q).toEqual([
        aliceToBob.id,
        bobToAlice.id,
        inLobby.id,
      ]);
      // a DM result names the other person with `with`, from the searcher's side
      expect(forBob.find((r) => r.id === bobToAlice.id)).toEqual({
        id: bobToAlice.id,
        with: alice.user.id,
        user: { id: bob.user.id, name: bob.user.name, image: bob.user.image },
        data: bobToAlice.data,
        ts: bobToAlice.ts,
      });
      expect(forBob.find((r) => r.id === aliceToBob.id)).toMatchObject({ with: alice.user.id, user: { id: alice.user.id } });

      const forAlice = await search(alice, q);
      expect(ids(forAlice), q).toEqual(expect.arrayContaining([inLobby.id, inRoom.id, aliceToCarol.id, bobToAlice.id, aliceToBob.id]));
      expect(forAlice.find((r) => r.id === aliceToCarol.id)).toMatchObject({ with: carol.user.id });
      expect(forAlice.find((r) => r.id === inRoom.id)).toMatchObject({ room });
      expect(ids(await search(carol, q)), q).not.toContain(bobToAlice.id);
    }

    // membership opens the room to search, leaving closes it again
    await join(b, room);
    expect(ids(await search(bob, word))).toContain(inRoom.id);
    await leave(b, room);
    expect(ids(await search(bob, word))).not.toContain(inRoom.id);
    expect(ids(await search(bob, rare))).not.toContain(inRoom.id);
  });

  it('room= restricts to one room of yours: 403 for a room you are not in, 404 for none', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const a = await chat.connect(alice);
    const room = await chat.createRoom(alice);
    await join(a, room);
    const word = token();
    const inRoom = await say(a, `in the room ${word}`, room);
    await say(a, `in the lobby ${word}`);
    await dm(a, bob.user, `a dm ${word}`);

    expect(ids(await search(alice, word, room))).toEqual([inRoom.id]);
    expect(ids(await search(alice, word, room.toUpperCase()))).toEqual([inRoom.id]);
    expect((await search(alice, word, 'lobby')).map((r) => 'room' in r && r.room)).toEqual(['lobby']);
    expect(await search(alice, word)).toHaveLength(3);

    const asBob = await fetch(searchUrl(word, room), { headers: { cookie: bob.cookie } });
    expect(asBob.status).toBe(403);
    expect(await asBob.json()).toMatchObject({ code: 1 });
    const none = await fetch(searchUrl(word, 'no-such-room-here'), { headers: { cookie: alice.cookie } });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: 1 });
  });

  it('is newest first and at most 50, by either path', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const word = token();
    const short = '鑫';
    const sent: ChatMessage[] = [];
    for (let i = 0; i < SEARCH_LIMIT + 6; i++) sent.push(await say(a, `${i} ${word} ${short}`));
    const newest = sent.map((m) => m.id).reverse().slice(0, SEARCH_LIMIT);

    expect(ids(await search(alice, word))).toEqual(newest);
    expect(ids(await search(alice, short))).toEqual(newest);
  });

  it('takes % and _ literally, on the short path and the indexed one', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const word = token();
    const percent = await say(a, `done 100% ${word}`);
    const plain = await say(a, `done 1000 ${word}`);
    const underscore = await say(a, `snake_case ${word}`);
    const other = await say(a, `snakeXcase ${word}`);
    const ours = new Set([percent.id, plain.id, underscore.id, other.id]);
    const mine = async (q: string) => ids(await search(alice, q)).filter((id) => ours.has(id));

    expect(await mine('%')).toEqual([percent.id]);
    expect(await mine('0%')).toEqual([percent.id]);
    expect(await mine('100%')).toEqual([percent.id]);
    expect(await mine('_')).toEqual([underscore.id]);
    expect(await mine('e_c')).toEqual([underscore.id]);
    expect(await mine('snake_case')).toEqual([underscore.id]);
    // quotes and FTS5 operators are plain text too
    const quoted = await say(a, `she said "NEAR" OR * ${word}`);
    expect(ids(await search(alice, '"NEAR" OR *'))).toEqual([quoted.id]);
  });

  it('401 signed out; 400 for a missing, blank or over-long query', async () => {
    const signedOut = await fetch(searchUrl('hello'));
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ code: 1 });

    const alice = await chat.signIn('Alice');
    const ask = (query: string) => fetch(`${chat.server.url}/search${query}`, { headers: { cookie: alice.cookie } });
    for (const query of ['', '?q=', '?q=%20%20%20', `?q=${'x'.repeat(201)}`, '?q=a&q=b', '?room=lobby']) {
      const response = await ask(query);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ code: 1 });
    }
    expect((await ask(`?q=${'x'.repeat(200)}`)).status).toBe(200);
    expect((await ask(`?q=${encodeURIComponent('字'.repeat(200))}`)).status).toBe(200);
  });
});
