// PostgreSQL going away under a running server (the built dist/main.js, as operators run it) and
// coming back, on a PostgreSQL of the test's own that it stops and starts (test/helpers/ownPostgres.ts):
// a `chat` sent meanwhile gets the `unavailable` error with its ref and no echo, nobody else hears
// of it, /healthz answers 503, the page says the chat will be back (503, both languages), JSON
// routes answer 503 {"code":1}, and the process lives on. Once PostgreSQL is back, everything
// works again by itself. A process started while PostgreSQL is down waits for it for
// DATABASE_WAIT_MS, then exits 1 with one clear line.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { PRODUCT_MAIN, runningAt, stopChild } from '../../src/tools/kit/server.js';
import { TestClient } from '../helpers/client.js';
import { ownPostgresForTests, startOwnPostgres, type OwnPostgres } from '../helpers/ownPostgres.js';
import { signIn, spawnServer, tempDataDir, type SpawnedServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

type ErrorFrame = Extract<ServerMessage, { type: 'error' }>;
const isChat = (m: ServerMessage) => m.type === 'chat';

async function health(url: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${url}/healthz`);
  return { status: answer.status, body: await answer.json() };
}

describe.skipIf(!ownPostgresForTests())('PostgreSQL going away and coming back', () => {
  let database: OwnPostgres;
  let server: SpawnedServer | undefined;
  beforeAll(async () => {
    database = await startOwnPostgres();
  });
  afterAll(async () => {
    if (server) await stopChild(server.child, server.exited);
    await database?.destroy();
  });

  it('refuses what it cannot store with an error and no echo, says so on /healthz and the pages, lives on, and recovers by itself', async () => {
    server = await spawnServer({ DATA_DIR: tempDataDir(), DATABASE_URL: database.url });
    const { url, wsUrl } = server;
    const alice = await signIn(url, 'Alice');
    const bob = await signIn(url, 'Bob');
    const a = await TestClient.ready(wsUrl, alice.cookie);
    const b = await TestClient.ready(wsUrl, bob.cookie);
    // The greeting's (empty) history and the like: only what comes from here on counts.
    a.drain();
    b.drain();
    a.send({ type: 'chat', data: 'before the outage', ref: 'before' });
    await a.next((m) => m.type === 'chat' && m.ref === 'before');
    await b.next((m) => m.type === 'chat' && m.data === 'before the outage');
    expect(await health(url)).toEqual({ status: 200, body: { status: 'ok' } });

    await database.stop();

    a.send({ type: 'chat', data: 'during the outage', ref: 'during' });
    const refused = await a.next<ErrorFrame>((m) => m.type === 'error' && m.ref === 'during');
    expect(refused.data.code).toBe('unavailable');
    b.send({ type: 'dm', to: alice.user.id, data: 'a DM during the outage', ref: 'dm-during' });
    expect((await b.next<ErrorFrame>((m) => m.type === 'error' && m.ref === 'dm-during')).data.code).toBe('unavailable');
    // Reads are refused the same way, the connection kept.
    a.send({ type: 'history', room: 'lobby', ref: 'history-during' });
    expect((await a.next<ErrorFrame>((m) => m.type === 'error' && m.ref === 'history-during')).data.code).toBe('unavailable');
    b.send({ type: 'join', room: 'lobby', ref: 'join-during' });
    expect((await b.next<ErrorFrame>((m) => m.type === 'error' && m.ref === 'join-during')).data.code).toBe('unavailable');
    // Ordered replies: whatever the server did before answering these pings has arrived.
    await Promise.all([a.settle(), b.settle()]);
    expect(a.pending(isChat)).toEqual([]);
    expect(b.pending(isChat)).toEqual([]);
    expect(a.pending((m) => m.type === 'dm').concat(b.pending((m) => m.type === 'dm'))).toEqual([]);
    expect(a.isOpen && b.isOpen).toBe(true);

    // The health answer is kept a second: it turns within a little more.
    const down = await until('/healthz to answer 503', () => health(url), (h) => h.status === 503, 5000);
    expect(down.body).toEqual({ status: 'unavailable' });

    const page = await fetch(`${url}/?lang=en`, { headers: { cookie: alice.cookie }, redirect: 'manual' });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await page.text()).toContain('The chat will be back soon');
    const zhPage = await fetch(`${url}/?lang=zh-CN`, { headers: { cookie: alice.cookie }, redirect: 'manual' });
    expect(zhPage.status).toBe(503);
    expect(await zhPage.text()).toContain('聊天室马上回来');
    const rooms = await fetch(`${url}/rooms`, { headers: { cookie: alice.cookie, accept: 'application/json', 'accept-language': 'en' } });
    expect(rooms.status).toBe(503);
    expect(rooms.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await rooms.json()).toEqual({ code: 1, error: expect.stringMatching(/storage/) });

    // A new connection cannot be served (its identity is in the store): 1013, try again later.
    const late = await TestClient.connect(wsUrl, { cookie: bob.cookie });
    expect((await late.closed).code).toBe(1013);

    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();

    await database.start();
    await until('/healthz to answer 200 again', () => health(url), (h) => h.status === 200, 15_000);

    a.send({ type: 'chat', data: 'after the outage', ref: 'after' });
    const after = await a.next<ChatMessage>((m) => m.type === 'chat' && m.ref === 'after');
    expect((await b.next<ChatMessage>(isChat)).id).toBe(after.id);
    b.send({ type: 'chat', data: 'Bob is back too', ref: 'bob-after' });
    await b.next((m) => m.type === 'chat' && m.ref === 'bob-after');
    expect((await a.next<ChatMessage>(isChat)).data).toBe('Bob is back too');

    a.send({ type: 'history', room: 'lobby', ref: 'history' });
    const history = await a.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history');
    expect(history.data.map((m) => (m as ChatMessage).data)).toEqual(['before the outage', 'after the outage', 'Bob is back too']);

    const again = await fetch(`${url}/?lang=en`, { headers: { cookie: alice.cookie }, redirect: 'manual' });
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain('after the outage');
    expect(html).not.toContain('during the outage');
    const fresh = await TestClient.ready(wsUrl, bob.cookie);
    await fresh.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('starts once PostgreSQL comes up within DATABASE_WAIT_MS, and exits 1 with a clear message when it does not', async () => {
    await database.stop();
    await expect(spawnServer({ DATA_DIR: tempDataDir(), DATABASE_URL: database.url, DATABASE_WAIT_MS: '500' })).rejects.toThrow(
      /exited at start \(code 1[\s\S]*Cannot start: the store cannot be reached[\s\S]*Is PostgreSQL running/,
    );

    const child = spawn(process.execPath, [PRODUCT_MAIN], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: tempDataDir(), DATABASE_URL: database.url, DATABASE_WAIT_MS: '30000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const listening = runningAt(child, 30_000, () => output);
      // PostgreSQL comes up while the process waits for it (booting side by side).
      await until('the process to say it waits for PostgreSQL', () => output, (text) => text.includes('"store_waiting"'), 15_000);
      await database.start();
      const url = await listening;
      expect(await health(url)).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await stopChild(child, exited);
    }
  });
});
