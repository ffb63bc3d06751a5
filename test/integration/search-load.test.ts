// `GET /search` against a large store (docs/security.md, "Rate limits and caps"): the worst query
// the red team found (200 × `a` where `aaa` is in every message) runs off the event loop, so
// someone chatting meanwhile gets their echoes as fast as ever; past its time budget a search is
// answered 503; and a short query that matches nothing is answered at once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { say } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

/** Enough that one such search on the event loop stalled everything for about a second. */
const MESSAGES = 150_000;
const RUN = 'a'.repeat(30);
const WORST = 'a'.repeat(200);
/** A stall anyone would notice; an echo takes a few ms otherwise. */
const STALL_MS = 200;

const chat = useServer({ RATE_LIMIT: '0' });

/** Messages straight into the store, each holding a long run of `a` (and so `aaa` many times over). */
function seed(dataDir: string): void {
  expect(path.basename(dataDir)).toMatch(/^chat-test-/);
  const store = new SqliteEngine(dataDir);
  const writer: User = { id: 'seed-writer', name: 'Writer', image: 1 };
  store.addUser(writer, 1);
  store.beginBatch();
  for (let i = 0; i < MESSAGES; i++) store.addChat({ room: 'lobby', user: writer, data: `${RUN}b message ${i}`, ts: 1000 + i });
  store.commitBatch();
  // Closing indexes everything, as a server that had run for a while would have.
  store.close();
}

async function searchStatus(who: SignedIn, q: string): Promise<{ status: number; error?: string }> {
  const url = new URL('/search', chat.server.url);
  url.searchParams.set('q', q);
  const response = await fetch(url, { headers: { cookie: who.cookie, accept: 'application/json', 'accept-language': 'en' } });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, error: Array.isArray(body) ? undefined : body.error };
}

describe('searches over a large store', () => {
  it('do not hold up anyone’s messages, even the worst query several times at once', async () => {
    await chat.restart({ between: seed });
    const [alice, ...searchers] = await chat.users('Alice', 'Mallory', 'Mal', 'Lory');
    const a = await chat.connect(alice);

    let searching = true;
    const answered: number[] = [];
    // Each searcher keeps two of the worst searches going (their share) for as long as Alice chats.
    const loops = searchers.flatMap((who) =>
      [0, 1].map(async () => {
        while (searching) answered.push((await searchStatus(who, WORST)).status);
      }),
    );
    const echoes: number[] = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sent = performance.now();
      await say(a, `still here ${i}`);
      echoes.push(performance.now() - sent);
    }
    searching = false;
    await Promise.all(loops);

    // The searches did run (answered, or refused as too slow or busy), all the while.
    expect(answered.length).toBeGreaterThan(3);
    expect(answered.every((status) => [200, 503].includes(status)), answered.join()).toBe(true);
    expect(Math.max(...echoes), echoes.map((ms) => ms.toFixed(0)).join(' ')).toBeLessThan(STALL_MS);
  }, 60_000);

  it('runs two searches of one user at a time (429 for a third), and refuses at once (503) when the queue is full', async () => {
    const [mallory, ...others] = await chat.users('Mallory', 'A', 'B', 'C', 'D', 'E', 'F');
    const three = await Promise.all([0, 1, 2].map(() => searchStatus(mallory, WORST)));
    expect(three.map((answer) => answer.status).sort()).toEqual([200, 200, 429]);
    expect(three.find((answer) => answer.status === 429)?.error).toBe('Your last search is still running: wait for it to finish');

    // Twelve at once from six people: one runs, eight wait, the rest are told to come back.
    const url = `${chat.server.url}/search?q=${WORST}`;
    const responses = await Promise.all(
      others.flatMap((who) => [0, 1].map(() => fetch(url, { headers: { cookie: who.cookie, accept: 'application/json', 'accept-language': 'en' } }))),
    );
    const busy = responses.filter((response) => response.status === 503);
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(1 + 8);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(await busy[0]!.json()).toEqual({ code: 1, error: 'Search is busy: try again in a moment' });
  });

  it('answers a short query that matches nothing at once, and finds the newest by either path', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const newest = await say(a, `${RUN}b 鑫 the very last`);
    const url = (q: string) => `${chat.server.url}/search?q=${encodeURIComponent(q)}`;
    const nothing = await fetch(url('鑫z'), { headers: { cookie: alice.cookie } });
    expect(nothing.status).toBe(200);
    expect(await nothing.json()).toEqual([]);
    for (const q of ['鑫', 'very last', 'aaab 鑫']) {
      const found = (await (await fetch(url(q), { headers: { cookie: alice.cookie } })).json()) as { id: number }[];
      expect(found[0]?.id, q).toBe(newest.id);
    }
  });

  it('answers 503 “took too long” once a search runs past SEARCH_TIMEOUT_MS, and goes on searching', async () => {
    await chat.restart({ env: { SEARCH_TIMEOUT_MS: '1' } });
    const mallory = await chat.signIn('Mallory');
    const slow = await searchStatus(mallory, WORST);
    expect(slow).toEqual({ status: 503, error: 'That search took too long: try longer or more specific words' });

    await chat.restart({ env: { SEARCH_TIMEOUT_MS: '5000' } });
    expect((await searchStatus(mallory, 'message 149999')).status).toBe(200);
  }, 60_000);
});
