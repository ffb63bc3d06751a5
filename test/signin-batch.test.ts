// Sign-ins share one commit per tick (issue 4, sign-in throughput): a burst of them must each get a
// working identity of its own, kept before the answer, across a restart, with nothing mixed up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../src/shared/protocol/index.js';
import { TestClient } from './helpers/client.js';
import { cookieHeader, signIn, startTestServer, tempDataDir, type TestServer } from './helpers/server.js';

let server: TestServer;
const dataDir = tempDataDir();
const SECRET = 'a-test-secret-that-is-long-enough';

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', SECRET }, dataDir);
});
afterAll(() => server?.close());

async function pageName(url: string, cookie: string): Promise<string | undefined> {
  const response = await fetch(`${url}/`, { headers: { cookie }, redirect: 'manual' });
  if (response.status !== 200) return undefined;
  return /<span class="me-name">([^<]*)<\/span>/.exec(await response.text())?.[1];
}

describe('a burst of sign-ins', () => {
  it('gives each one its own user and session, every cookie working for the page and the socket', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `Burst ${i}`);
    // All at once: most of them are handled in the same tick and committed together.
    const signedIn = await Promise.all(names.map((name) => signIn(server.url, name)));
    const ids = signedIn.map((s) => s.user.id);
    expect(new Set(ids).size).toBe(names.length);
    for (const [i, s] of signedIn.entries()) {
      expect(s.user.name).toBe(names[i]);
      expect(s.user.id).toMatch(/^[-0-9A-Z_a-z]{20}$/);
    }
    expect(await Promise.all(signedIn.map((s) => pageName(server.url, s.cookie)))).toEqual(names);

    const sockets = await Promise.all(signedIn.slice(0, 10).map((s) => TestClient.connect(server.wsUrl, { cookie: s.cookie })));
    for (const [i, socket] of sockets.entries()) {
      const list = await socket.next((m) => m.type === 'list' && m.room === 'lobby');
      expect(list.type === 'list' && list.data.some((u: User) => u.id === signedIn[i]!.user.id)).toBe(true);
    }
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  it('a form sign-in in the same burst is redirected with its cookies like before', async () => {
    const [form, json] = await Promise.all([
      fetch(`${server.url}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'By form' }).toString(),
        redirect: 'manual',
      }),
      signIn(server.url, 'By JSON'),
    ]);
    expect(form.status).toBe(302);
    expect(form.headers.get('location')).toBe('/');
    expect(await pageName(server.url, cookieHeader(form))).toBe('By form');
    expect(await pageName(server.url, json.cookie)).toBe('By JSON');
  });

  it('keeps every session of the burst across a restart right after it', async () => {
    const signedIn = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(server.url, `Kept ${i}`)));
    await server.close();
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', SECRET }, dataDir);
    expect(await Promise.all(signedIn.map((s) => pageName(server.url, s.cookie)))).toEqual(signedIn.map((s) => s.user.name));
  });

  it('a signed-out session of the burst stays signed out, and the others stay in', async () => {
    const [a, b] = await Promise.all([signIn(server.url, 'Leaves'), signIn(server.url, 'Stays')]);
    const out = await fetch(`${server.url}/signout`, { method: 'POST', headers: { cookie: a.cookie }, redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(await pageName(server.url, a.cookie)).toBeUndefined();
    expect(await pageName(server.url, b.cookie)).toBe('Stays');
  });
});
