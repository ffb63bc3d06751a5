import fs from 'node:fs';
import path from 'node:path';
import Keygrip from 'keygrip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, tempDataDir, type TestServer } from './helpers/server.js';

const SECRET = 'a-test-secret-that-is-long-enough';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SECRET, ALLOWED_ORIGINS: 'https://friend.example' });
});
afterAll(() => server.close());

/** What a forger can build: a cookie pair whose signature is made with some key. */
function forge(user: object, key: string): string {
  const value = Buffer.from(JSON.stringify(user)).toString('base64');
  const sig = new Keygrip([key]).sign(`user=${value}`);
  return `user=${value}; user.sig=${sig}`;
}

async function pageStatus(cookie: string): Promise<number> {
  return (await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status;
}

async function upgradeClose(cookie: string | undefined) {
  const client = await TestClient.connect(server.wsUrl, cookie ? { cookie } : {});
  return client.closed;
}

describe('the identity cookie', () => {
  it('is accepted as issued, by the page and the socket alike', async () => {
    const { cookie, user } = await signIn(server.url, 'Real');
    expect(await pageStatus(cookie)).toBe(200);
    const client = await TestClient.connect(server.wsUrl, { cookie });
    const list = await client.next((m) => m.type === 'list');
    expect(list).toMatchObject({ room: 'lobby', data: expect.arrayContaining([user]) });
    await client.close();
  });

  it('is no identity when the value was altered (the name changed, the old signature kept)', async () => {
    const { cookie } = await signIn(server.url, 'Mallory');
    const sig = /user\.sig=([^;]+)/.exec(cookie)?.[1];
    const value = /user=([^;]+)/.exec(cookie)?.[1] ?? '';
    const user = JSON.parse(Buffer.from(value, 'base64').toString());
    const altered = Buffer.from(JSON.stringify({ ...user, name: 'Admin' })).toString('base64');
    const tampered = `user=${altered}; user.sig=${sig}`;
    expect(await pageStatus(tampered)).toBe(302);
    expect(await upgradeClose(tampered)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('is no identity with the signature stripped', async () => {
    const { cookie } = await signIn(server.url, 'Stripped');
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

  it('keeps the generated secret in DATA_DIR, so a restart keeps everyone signed in', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({}, dataDir);
    const { cookie } = await signIn(first.url, 'Stays');
    const secretFile = path.join(dataDir, 'secret');
    expect(fs.statSync(secretFile).mode & 0o077).toBe(0);
    await first.close();
    const second = await startTestServer({}, dataDir);
    try {
      const page = await fetch(`${second.url}/`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Stays');
    } finally {
      await second.close();
    }
    // A server with another data folder (another secret) does not accept it.
    const other = await startTestServer();
    try {
      expect((await fetch(`${other.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(302);
    } finally {
      await other.close();
    }
  });
});

describe('sessions', () => {
  const withoutSession = (cookie: string) => cookie.replace(/;?\s*sid(\.sig)?=[^;]+/g, '');

  it('sign-out ends the session on the server: a copy of the cookies stops working, in pages and sockets', async () => {
    const { cookie } = await signIn(server.url, 'Copied');
    expect(cookie).toMatch(/sid=/);
    const copy = cookie;
    expect(await pageStatus(copy)).toBe(200);
    await fetch(`${server.url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(await pageStatus(copy)).toBe(302);
    expect(await upgradeClose(copy)).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('a user cookie without its session cookie is no identity', async () => {
    const { cookie } = await signIn(server.url, 'Half');
    expect(await pageStatus(withoutSession(cookie))).toBe(302);
    expect(await upgradeClose(withoutSession(cookie))).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('"sign out everywhere" ends every session of the user and closes all their sockets', async () => {
    const { cookie, user } = await signIn(server.url, 'Everywhere');
    const one = await TestClient.ready(server.wsUrl, cookie);
    const other = await TestClient.ready(server.wsUrl, cookie);
    const response = await fetch(`${server.url}/signout/everywhere`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(response.status).toBe(302);
    expect((await one.closed).code).toBe(4001);
    expect((await other.closed).code).toBe(4001);
    expect(await pageStatus(cookie)).toBe(302);
    expect(user.name).toBe('Everywhere');
    // Only a POST can do it: a GET (a link, an image on another site) cannot.
    const { cookie: second } = await signIn(server.url, 'Linked');
    expect((await fetch(`${server.url}/signout/everywhere`, { headers: { cookie: second }, redirect: 'manual' })).status).toBe(405);
    expect(await pageStatus(second)).toBe(200);
  });

  it('rotates the secret: the new key signs, the old one still verifies until removed', async () => {
    const dataDir = tempDataDir();
    const before = await startTestServer({ SECRET: 'old-key-old-key-old-key' }, dataDir);
    const { cookie } = await signIn(before.url, 'Rotated');
    await before.close();
    const rotated = await startTestServer({ SECRET: 'new-key-new-key-new-key,old-key-old-key-old-key' }, dataDir);
    try {
      expect((await fetch(`${rotated.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
      const fresh = await signIn(rotated.url, 'After');
      const sig = /user\.sig=([^;]+)/.exec(fresh.cookie)?.[1];
      const value = /user=([^;]+)/.exec(fresh.cookie)?.[1];
      expect(sig).toBe(new Keygrip(['new-key-new-key-new-key']).sign(`user=${value}`));
    } finally {
      await rotated.close();
    }
    const retired = await startTestServer({ SECRET: 'new-key-new-key-new-key' }, dataDir);
    try {
      expect((await fetch(`${retired.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(302);
    } finally {
      await retired.close();
    }
  });
});

describe('the upgrade', () => {
  it('refuses any path but /ws/chat with 404', async () => {
    const { cookie } = await signIn(server.url, 'Lost');
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/other`, { headers: { cookie } });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it('refuses a foreign Origin with 403, allows its own, a configured one and none', async () => {
    const { cookie } = await signIn(server.url, 'Browser');
    const statusFor = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(server.wsUrl, { headers: { cookie, origin } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => {});
      });
    expect(await statusFor('http://evil.example')).toBe(403);
    expect(await statusFor(`http://localhost:${server.port}`)).toBe(403);
    expect(await statusFor('null')).toBe(403);
    expect(await statusFor(server.url)).toBe(101);
    expect(await statusFor('https://friend.example')).toBe(101);
    const noOrigin = await TestClient.ready(server.wsUrl, cookie);
    await noOrigin.close();
  });
});

