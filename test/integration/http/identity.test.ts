// Identity over HTTP and the upgrade (docs/security.md): the signed cookie pair as issued is an
// identity for pages and sockets alike, and nothing altered, stripped, forged or without its session
// is; sign-out ends a session and "sign out everywhere" all of them, closing their sockets with
// 4001; the upgrade refuses other paths and foreign origins. Real server, `ws` clients and fetch.
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useServer } from '../../helpers/fixture.js';
import { forgeUserCookie as forge } from '../../helpers/server.js';

const SECRET = 'a-test-secret-that-is-long-enough';
const chat = useServer({ SECRET, ALLOWED_ORIGINS: 'https://friend.example' });

async function pageStatus(cookie: string): Promise<number> {
  return (await fetch(`${chat.server.url}/`, { headers: { cookie }, redirect: 'manual' })).status;
}

async function upgradeClose(cookie: string | undefined) {
  const client = await chat.open(cookie);
  return client.closed;
}

describe('the identity cookie', () => {
  it('is accepted as issued, by the page and the socket alike', async () => {
    const real = await chat.signIn('Real');
    const { cookie, user } = real;
    expect(await pageStatus(cookie)).toBe(200);
    const client = await chat.open(real);
    const list = await client.next((m) => m.type === 'list');
    expect(list).toMatchObject({ room: 'lobby', data: expect.arrayContaining([user]) });
  });

  it('is no identity when the value was altered (the name changed, the old signature kept)', async () => {
    const { cookie } = await chat.signIn('Mallory');
    const sig = /user\.sig=([^;]+)/.exec(cookie)?.[1];
    const value = /user=([^;]+)/.exec(cookie)?.[1] ?? '';
    const user = JSON.parse(Buffer.from(value, 'base64').toString());
    const altered = Buffer.from(JSON.stringify({ ...user, name: 'Admin' })).toString('base64');
    const tampered = `user=${altered}; user.sig=${sig}`;
    expect(await pageStatus(tampered)).toBe(302);
    expect(await upgradeClose(tampered)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('is no identity with the signature stripped', async () => {
    const { cookie } = await chat.signIn('Stripped');
    const stripped = cookie.replace(/;?\s*user\.sig=[^;]+/, '');
    expect(stripped).not.toContain('user.sig');
    expect(await pageStatus(stripped)).toBe(302);
    expect(await upgradeClose(stripped)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('is no identity when forged with another key', async () => {
    const forged = forge({ id: 'x', name: 'Forged', image: 0 }, 'not-the-server-secret-at-all');
    expect(await pageStatus(forged)).toBe(302);
    expect(await upgradeClose(forged)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('closes a socket without any cookie with 4001 "Invalid user"', async () => {
    expect(await upgradeClose(undefined)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('is no identity when correctly signed but not a user (garbage JSON, bad fields)', async () => {
    for (const body of [{ id: 1, name: 'x', image: 0 }, { id: 'y', name: '', image: 0 }, ['array']]) {
      expect(await pageStatus(forge(body, SECRET))).toBe(302);
    }
    const value = Buffer.from('not json').toString('base64');
    const garbage = `user=${value}; user.sig=${new Keygrip([SECRET]).sign(`user=${value}`)}`;
    expect(await upgradeClose(garbage)).toEqual({ code: 4001, reason: 'Invalid user' });
  });
});

describe('sessions', () => {
  const withoutSession = (cookie: string) => cookie.replace(/;?\s*sid(\.sig)?=[^;]+/g, '');

  it('sign-out ends the session on the server: a copy of the cookies stops working, in pages and sockets', async () => {
    const { cookie } = await chat.signIn('Copied');
    expect(cookie).toMatch(/sid=/);
    const copy = cookie;
    expect(await pageStatus(copy)).toBe(200);
    await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(await pageStatus(copy)).toBe(302);
    expect(await upgradeClose(copy)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('a user cookie without its session cookie is no identity', async () => {
    const { cookie } = await chat.signIn('Half');
    expect(await pageStatus(withoutSession(cookie))).toBe(302);
    expect(await upgradeClose(withoutSession(cookie))).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('"sign out everywhere" ends every session of the user and closes all their sockets', async () => {
    const everywhere = await chat.signIn('Everywhere');
    const { cookie, user } = everywhere;
    const [one, other] = await chat.connectEach(everywhere, everywhere);
    const response = await fetch(`${chat.server.url}/signout/everywhere`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(response.status).toBe(302);
    expect((await one.closed).code).toBe(4001);
    expect((await other.closed).code).toBe(4001);
    expect(await pageStatus(cookie)).toBe(302);
    expect(user.name).toBe('Everywhere');
    // Only a POST can do it: a GET (a link, an image on another site) cannot.
    const { cookie: second } = await chat.signIn('Linked');
    expect((await fetch(`${chat.server.url}/signout/everywhere`, { headers: { cookie: second }, redirect: 'manual' })).status).toBe(405);
    expect(await pageStatus(second)).toBe(200);
  });
});

describe('the upgrade', () => {
  it('refuses any path but /ws/chat with 404', async () => {
    const { cookie } = await chat.signIn('Lost');
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${chat.server.url.replace('http', 'ws')}/ws/other`, { headers: { cookie } });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it('refuses a foreign Origin with 403, allows its own, a configured one and none', async () => {
    const browser = await chat.signIn('Browser');
    const { cookie } = browser;
    const statusFor = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(chat.server.wsUrl, { headers: { cookie, origin } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => {});
      });
    expect(await statusFor('http://evil.example')).toBe(403);
    expect(await statusFor(`http://localhost:${chat.server.port}`)).toBe(403);
    expect(await statusFor('null')).toBe(403);
    expect(await statusFor(chat.server.url)).toBe(101);
    expect(await statusFor('https://friend.example')).toBe(101);
    await chat.connect(browser);
  });
});

