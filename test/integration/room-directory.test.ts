// The room directory (extension, docs/protocol.md): `GET /rooms?q=&after=&limit=` finds open rooms
// whose name contains the text in any case, by name, a page at a time, each with how many people
// are in it now and who made it; bad parameters are 400, strangers 401; bare `GET /rooms` is the
// contract's list.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ROOM_DIRECTORY_PAGE, ROOM_DIRECTORY_PAGE } from '../../src/shared/protocol/index.js';
import { joinAll, roomName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

interface DirectoryPage {
  rooms: { name: string; count: number; createdBy: string | null }[];
  next: string | null;
}

const chat = useServer();

describe('the room directory', () => {
  let alice: SignedIn;
  let bob: SignedIn;
  /** A prefix only this file's rooms have, in lower case. */
  const prefix = roomName('dir').toLowerCase();
  /** prefix-00 … prefix-24, in order, and one more spelled in capitals. */
  const numbered = Array.from({ length: 25 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  const shouting = `${prefix.toUpperCase()}-LOUD`;

  /** As `who`, or signed out with null. */
  async function directory(query: string, who: SignedIn | null = alice): Promise<Response> {
    return fetch(`${chat.server.url}/rooms?${query}`, { headers: who ? { cookie: who.cookie, accept: 'application/json' } : {} });
  }

  async function page(query: string): Promise<DirectoryPage> {
    const response = await directory(query);
    expect(response.status, query).toBe(200);
    return (await response.json()) as DirectoryPage;
  }

  beforeAll(async () => {
    [alice, bob] = await chat.users('Alice', 'Bob');
    // Made out of order: the directory sorts by name.
    for (const name of [...numbered].reverse()) await chat.createRoom(alice, name);
    await chat.createRoom(bob, shouting);
  });

  it('pages through the rooms whose name contains the text, by name, ROOM_DIRECTORY_PAGE at a time', async () => {
    const first = await page(`q=${prefix}`);
    expect(first.rooms.map((r) => r.name)).toEqual(numbered.slice(0, ROOM_DIRECTORY_PAGE));
    expect(first.next).toBe(numbered[ROOM_DIRECTORY_PAGE - 1]);
    const second = await page(`q=${prefix}&after=${first.next}`);
    // Capitals sort with the rest, case aside: "…-loud" after "…-24".
    expect(second.rooms.map((r) => r.name)).toEqual([...numbered.slice(ROOM_DIRECTORY_PAGE), shouting]);
    expect(second.next).toBeNull();

    const five = await page(`q=${prefix}&limit=5&after=${numbered[2]}`);
    expect(five.rooms.map((r) => r.name)).toEqual(numbered.slice(3, 8));
    expect(five.next).toBe(numbered[7]);
  });

  it('matches in any case and anywhere in the name, and says who made each room', async () => {
    const loud = await page(`q=${encodeURIComponent(`${prefix}-lo`)}`);
    expect(loud.rooms).toEqual([{ name: shouting, count: 0, createdBy: bob.user.id }]);
    const middle = await page(`q=${encodeURIComponent(`${prefix.slice(1).toUpperCase()}-1`)}`);
    expect(middle.rooms.map((r) => r.name)).toEqual(numbered.slice(10, 20));
    expect((await page(`q=${prefix}-nothing`)).rooms).toEqual([]);
    // No text: every room, lobby among them, from the start.
    const everything = await page('q=');
    expect(everything.rooms.length).toBe(ROOM_DIRECTORY_PAGE);
    expect(everything.next).not.toBeNull();
  });

  it('counts the people in each room now, and leaves archived rooms out', async () => {
    const [a, b] = await chat.connectEach(alice, bob);
    await joinAll(numbered[3]!, a, b);
    const counted = await page(`q=${numbered[3]}`);
    expect(counted.rooms).toEqual([{ name: numbered[3], count: 2, createdBy: alice.user.id }]);

    const archived = await fetch(`${chat.server.url}/rooms/${numbered[4]}/archive`, { method: 'POST', headers: { cookie: alice.cookie } });
    expect(archived.status).toBe(200);
    expect((await page(`q=${prefix}&after=${numbered[2]}&limit=2`)).rooms.map((r) => r.name)).toEqual([numbered[3], numbered[5]]);
  });

  it('refuses bad parameters (400) and strangers (401); bare GET /rooms is still the contract’s list', async () => {
    for (const bad of [
      'limit=0',
      `limit=${MAX_ROOM_DIRECTORY_PAGE + 1}`,
      'limit=ten',
      'limit=2.5',
      `q=${'x'.repeat(33)}`,
      `after=${'x'.repeat(33)}`,
      'q=a&q=b',
    ]) {
      const response = await directory(bad);
      expect(response.status, bad).toBe(400);
      expect(await response.json()).toEqual({ code: 1, error: expect.any(String) });
    }
    expect((await directory(`limit=${MAX_ROOM_DIRECTORY_PAGE}`)).status).toBe(200);
    expect((await directory(`q=${prefix}`, null)).status).toBe(401);

    const bare = await fetch(`${chat.server.url}/rooms`, { headers: { cookie: alice.cookie } });
    const list = (await bare.json()) as { name: string; users: unknown[] }[];
    expect(list[0]).toEqual({ name: 'lobby', users: expect.any(Array) });
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining([...numbered.filter((_, i) => i !== 4), shouting]));
  });
});
