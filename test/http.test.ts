import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, dm, say, unique } from './helpers/chat.js';
import { TestClient } from './helpers/client.js';
import { cookieHeader, signIn, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0' });
});
afterAll(() => server.close());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

const json = (body: unknown, cookie?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json', ...(cookie ? { cookie } : {}) },
  body: JSON.stringify(body),
});

describe('sign-in', () => {
  it('sends a visitor without a cookie from / to /signin', async () => {
    const response = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/signin');
  });

  it('prefills the form with a random 路人 guest name for a Chinese reader', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const html = await (await fetch(`${server.url}/signin`, { headers: { 'accept-language': 'zh-CN' } })).text();
      const match = /name="name" value="([^"]*)"/.exec(html);
      expect(match?.[1]).toMatch(/^路人[甲乙丙丁戊己庚辛壬癸]$/);
      names.add(match?.[1] ?? '');
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('signs in from a form: signed HttpOnly cookie pair, 302 to /, and the page shows the name', async () => {
    const response = await fetch(`${server.url}/signin`, form({ name: '  Ada Lovelace ' }));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
    const cookies = response.headers.getSetCookie();
    const user = cookies.find((c) => c.startsWith('user='));
    expect(user).toMatch(/httponly/i);
    expect(user).toMatch(/samesite=lax/i);
    expect(user).toMatch(/path=\//i);
    expect(user).toMatch(/expires=/i);
    expect(cookies.some((c) => c.startsWith('user.sig='))).toBe(true);
    const value = (user ?? '').split(';')[0]?.slice('user='.length) ?? '';
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    expect(decoded).toEqual({ id: expect.any(String), name: 'Ada Lovelace', image: expect.any(Number) });

    const page = await fetch(`${server.url}/`, { headers: { cookie: cookieHeader(response) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ada Lovelace');
    expect(html).toContain('# lobby');
  });

  it('answers a JSON sign-in with {code:0, data:user}, and two people of one name get two ids', async () => {
    const first = await signIn(server.url, '路人甲');
    const second = await signIn(server.url, '路人甲');
    expect(first.user.name).toBe('路人甲');
    expect(first.user.id).not.toBe(second.user.id);
  });

  it('takes JSON when only the Accept header asks for it', async () => {
    const response = await fetch(`${server.url}/signin`, {
      ...form({ name: 'Grace' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 0, data: { name: 'Grace' } });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['33 code points', 'a'.repeat(33)],
    ['a control character', 'bad\u0007name'],
  ])('refuses a %s name: 400 JSON error', async (_label, name) => {
    const response = await fetch(`${server.url}/signin`, json({ name }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 1, error: expect.any(String) });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('accepts 32 code points even where UTF-16 needs more units', async () => {
    const name = '😀'.repeat(32);
    expect((await signIn(server.url, name)).user.name).toBe(name);
  });

  it('shows the form again with the error (escaped) for a bad form post', async () => {
    const response = await fetch(`${server.url}/signin`, form({ name: `<b>${'x'.repeat(40)}` }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('<b>xxx');
  });

  it('refuses a missing name and malformed JSON with 400, never a crash', async () => {
    expect((await fetch(`${server.url}/signin`, json({}))).status).toBe(400);
    const broken = await fetch(`${server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 1 });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(`${server.url}/signin`, json({ name: 'x'.repeat(100_000) }));
    expect(response.status).toBe(413);
  });

  it('signs out on GET and POST: cookie cleared, 302 to /signin, open sockets of that user closed with 4001', async () => {
    for (const method of ['GET', 'POST']) {
      const { cookie } = await signIn(server.url, 'Leaving');
      const socket = await TestClient.ready(server.wsUrl, cookie);
      const response = await fetch(`${server.url}/signout`, { method, headers: { cookie }, redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/signin');
      const cleared = response.headers.getSetCookie().find((c) => c.startsWith('user='));
      expect(cleared).toMatch(/expires=Thu, 01 Jan 1970/i);
      expect((await socket.closed).code).toBe(4001);
    }
  });
});

describe('the chat page', () => {
  it('renders the latest lobby messages as escaped text, with no script of theirs in the HTML', async () => {
    const { cookie } = await signIn(server.url, '<script>alert("name")</script>');
    const client = await TestClient.ready(server.wsUrl, cookie);
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script> & "quotes"';
    client.send({ type: 'chat', data: payload });
    await client.nextOfType('chat');
    const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    // The only scripts are our own bundle.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/static/app.js">']);
    await client.close();
  });

  it('carries at most one page of history (HISTORY_LIMIT) and the id to resume from', async () => {
    const small = await startTestServer({ HISTORY_LIMIT: '3', RATE_LIMIT: '0' });
    try {
      const { cookie } = await signIn(small.url, 'Pager');
      const client = await TestClient.ready(small.wsUrl, cookie);
      for (let i = 1; i <= 5; i++) client.send({ type: 'chat', data: `message ${i}` });
      let last = 0;
      for (let i = 1; i <= 5; i++) last = (await client.nextOfType('chat')).id;
      const html = await (await fetch(`${small.url}/`, { headers: { cookie } })).text();
      expect(html.match(/class="text"/g)?.length).toBe(3 + 1); // 3 messages + the template
      expect(html).toContain('message 5');
      expect(html).not.toContain('message 2<');
      expect(html).toContain(`data-last-id="${last}"`);
      await client.close();
    } finally {
      await small.close();
    }
  });
  it('shows on every reload what changed since the last: the id to resume from (DMs count) and new rooms', async () => {
    const { cookie } = await signIn(server.url, 'Reloader');
    const other = await signIn(server.url, 'Reloaded');
    const page = async () => (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    const client = await TestClient.ready(server.wsUrl, cookie);
    const first = await say(client, unique('before the first load'));
    expect(await page()).toContain(`data-last-id="${first.id}"`);
    const second = await say(client, unique('after the first load'));
    const room = await createRoom(server, cookie);
    const reloaded = await page();
    expect(reloaded).toContain(`data-last-id="${second.id}"`);
    expect(reloaded).toContain(`data-room="${room}"`);
    const direct = await dm(client, other.user, unique('after the second load'));
    expect(await page()).toContain(`data-last-id="${direct.id}"`);
    await client.close();
  });
});

describe('rooms over HTTP', () => {
  it('needs a signed-in user: 401 JSON for GET and POST', async () => {
    const list = await fetch(`${server.url}/rooms`);
    expect(list.status).toBe(401);
    expect(await list.json()).toEqual({ code: 1, error: expect.any(String) });
    expect((await fetch(`${server.url}/rooms`, json({ name: 'nope' }))).status).toBe(401);
  });

  it('lists every room with who is in it now', async () => {
    const { cookie, user } = await signIn(server.url, 'Lister');
    const client = await TestClient.ready(server.wsUrl, cookie);
    const rooms = (await (await fetch(`${server.url}/rooms`, { headers: { cookie } })).json()) as {
      name: string;
      users: { id: string }[];
    }[];
    expect(rooms[0]?.name).toBe('lobby');
    expect(rooms[0]?.users.filter((u) => u.id === user.id)).toHaveLength(1);
    await client.close();
  });

  it('creates a room (201), refuses a duplicate in any case (409) and a bad name (400)', async () => {
    const { cookie } = await signIn(server.url, 'Maker');
    const created = await fetch(`${server.url}/rooms`, json({ name: '技术-talk_1' }, cookie));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: '技术-talk_1' });
    expect((await fetch(`${server.url}/rooms`, json({ name: '技术-TALK_1' }, cookie))).status).toBe(409);
    for (const name of ['', 'has space', 'a/b', 'x'.repeat(33), '<script>']) {
      expect((await fetch(`${server.url}/rooms`, json({ name }, cookie))).status).toBe(400);
    }
    const formPost = await fetch(`${server.url}/rooms`, { ...form({ name: 'from-form' }), headers: { ...form({}).headers, cookie } });
    expect(formPost.status).toBe(201);
  });

  it('refuses a room creation sent from another site (Origin check)', async () => {
    const { cookie } = await signIn(server.url, 'Victim');
    const response = await fetch(`${server.url}/rooms`, {
      ...json({ name: 'csrf-room' }, cookie),
      headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
  });
});

describe('health, static files and headers', () => {
  it('answers /healthz with 200 {"status":"ok"}', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves /static files and the built bundle, 404 for missing ones and path traversal', async () => {
    const css = await fetch(`${server.url}/static/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${server.url}/static/app.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/static/nope.css`)).status).toBe(404);
    expect((await fetch(`${server.url}/static/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/static/..%2fpackage.json`)).status).not.toBe(200);
    expect((await fetch(`${server.url}/static/`)).status).toBe(404);
  });

  it('sends security headers with every page', async () => {
    const response = await fetch(`${server.url}/signin`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBeTruthy();
  });

  it('answers an unknown route with 404', async () => {
    expect((await fetch(`${server.url}/no-such-page`)).status).toBe(404);
    const api = await fetch(`${server.url}/no-such-page`, { headers: { accept: 'application/json', 'accept-language': 'en' } });
    expect(await api.json()).toEqual({ code: 1, error: 'Not found' });
  });
});
