// How many rooms one user and one address may make (ROOM_RATE_LIMIT an hour, an address three
// times as many): past either, `POST /rooms` is 429 with Retry-After and the reason in the reader's
// language, nothing is made and nobody is told; someone else, or another address, still can.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import { roomName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

const HOUR_S = 3600;

describe('room creation limits (ROOM_RATE_LIMIT=2, behind a trusted proxy)', () => {
  // TRUST_PROXY: the address is the one X-Forwarded-For ends with, so one test can be many addresses.
  const chat = useServer({ ROOM_RATE_LIMIT: '2', TRUST_PROXY: '1' });

  function create(who: SignedIn, address: string, name = roomName('lim'), language = 'en'): Promise<Response> {
    return fetch(`${chat.server.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': language, cookie: who.cookie, 'x-forwarded-for': address },
      body: JSON.stringify({ name }),
    });
  }

  async function listed(who: SignedIn): Promise<string[]> {
    const response = await fetch(`${chat.server.url}/rooms`, { headers: { cookie: who.cookie } });
    return ((await response.json()) as { name: string }[]).map((room) => room.name);
  }

  /** A refusal as the limit answers it: 429, Retry-After up to an hour, `{"code":1,"error"}`. */
  async function expectRefused(response: Response, error: string): Promise<void> {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(HOUR_S - 60);
    expect(retryAfter).toBeLessThanOrEqual(HOUR_S);
    expect(await response.json()).toEqual({ code: 1, error });
  }

  it('lets one user make ROOM_RATE_LIMIT rooms an hour, then 429 in their language; another user may still', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const watcher = await chat.connect(bob, { rooms: 'changes' });
    const address = '203.0.113.10';
    // Refused names do not count: only rooms made do.
    const taken = await chat.createRoom(bob);
    expect((await create(alice, address, taken)).status).toBe(409);
    expect((await create(alice, address, 'not a name!')).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await create(alice, address)).status).toBe(201);

    const refused = roomName('over');
    await expectRefused(await create(alice, address, refused), translate('en', 'rooms.tooManyByYou', { minutes: 60 }));
    await expectRefused(await create(alice, '203.0.113.99', refused, 'zh-CN'), translate('zh-CN', 'rooms.tooManyByYou', { minutes: 60 }));
    expect(await listed(bob)).not.toContain(refused);

    // Bob, at the same address, has his own allowance (the address has 3 × 2).
    expect((await create(bob, address)).status).toBe(201);
    // The watcher heard of the four rooms made (Bob's first, Alice's two, Bob's second) and of nothing else.
    await watcher.settle();
    expect(watcher.pending((m) => m.type === 'room' || m.type === 'rooms')).toHaveLength(4);
  });

  it('lets one address make three times as many, then 429 for anyone there; another address may still', async () => {
    const people = await chat.users('Ann', 'Ben', 'Cat', 'Dan');
    const [ann, ben, cat, dan] = people;
    const address = '198.51.100.20';
    for (const who of [ann, ben, cat]) {
      for (let i = 0; i < 2; i++) expect((await create(who, address)).status).toBe(201);
    }
    // Dan has made nothing, but his address has made six.
    await expectRefused(await create(dan, address), translate('en', 'rooms.tooManyFromAddress', { minutes: 60 }));
    expect((await create(dan, '198.51.100.21')).status).toBe(201);
  });
});
