// Sign-ins share one commit per tick (docs/performance.md, sign-in throughput): a burst of them must
// each get a working identity of its own, kept before the answer, across a restart, with nothing
// mixed up.
import { describe, expect, it } from 'vitest';
import type { User } from '../../../src/shared/protocol/index.js';
import { useServer } from '../../helpers/fixture.js';
import { cookieHeader } from '../../helpers/server.js';

const SECRET = 'a-test-secret-that-is-long-enough';
const chat = useServer({ SECRET });

async function pageName(cookie: string): Promise<string | undefined> {
  const response = await fetch(`${chat.server.url}/`, { headers: { cookie }, redirect: 'manual' });
  if (response.status !== 200) return undefined;
  return /<span class="me-name">([^<]*)<\/span>/.exec(await response.text())?.[1];
}

describe('a burst of sign-ins', () => {
  it('gives each one its own user and session, every cookie working for the page and the socket', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `Burst ${i}`);
    // All at once: most of them are handled in the same tick and committed together.
    const signedIn = await Promise.all(names.map((name) => chat.signIn(name)));
    const ids = signedIn.map((s) => s.user.id);
    expect(new Set(ids).size).toBe(names.length);
    for (const [i, s] of signedIn.entries()) {
      expect(s.user.name).toBe(names[i]);
      expect(s.user.id).toMatch(/^[-0-9A-Z_a-z]{20}$/);
    }
    expect(await Promise.all(signedIn.map((s) => pageName(s.cookie)))).toEqual(names);

    const sockets = await Promise.all(signedIn.slice(0, 10).map((s) => chat.open(s)));
    for (const [i, socket] of sockets.entries()) {
      const list = await socket.next((m) => m.type === 'list' && m.room === 'lobby');
      expect(list.type === 'list' && list.data.some((u: User) => u.id === signedIn[i]!.user.id)).toBe(true);
    }
  });

  it('a form sign-in in the same burst is redirected with its cookies like before', async () => {
    const [form, json] = await Promise.all([
      fetch(`${chat.server.url}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'By form' }).toString(),
        redirect: 'manual',
      }),
      chat.signIn('By JSON'),
    ]);
    expect(form.status).toBe(302);
    expect(form.headers.get('location')).toBe('/');
    expect(await pageName(cookieHeader(form))).toBe('By form');
    expect(await pageName(json.cookie)).toBe('By JSON');
  });

  it('keeps every session of the burst across a restart right after it', async () => {
    const signedIn = await Promise.all(Array.from({ length: 20 }, (_, i) => chat.signIn(`Kept ${i}`)));
    await chat.restart();
    expect(await Promise.all(signedIn.map((s) => pageName(s.cookie)))).toEqual(signedIn.map((s) => s.user.name));
  });

  it('a signed-out session of the burst stays signed out, and the others stay in', async () => {
    const [a, b] = await Promise.all([chat.signIn('Leaves'), chat.signIn('Stays')]);
    const out = await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie: a.cookie }, redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(await pageName(a.cookie)).toBeUndefined();
    expect(await pageName(b.cookie)).toBe('Stays');
  });
});
