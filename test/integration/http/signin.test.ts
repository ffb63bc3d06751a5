// Signing in and out over HTTP (docs/protocol.md §1–§2): the form and JSON sign-ins, the signed
// HttpOnly cookie pair, the names refused, body limits, and sign-out closing the user's sockets.
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/fixture.js';
import { cookieHeader, formPost, jsonPost } from '../../helpers/server.js';

const chat = useServer();

describe('sign-in', () => {
  it('sends a visitor without a cookie from / to /signin', async () => {
    const response = await fetch(`${chat.server.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/signin');
  });

  it('prefills the form with a random 路人 guest name for a Chinese reader', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const html = await (await fetch(`${chat.server.url}/signin`, { headers: { 'accept-language': 'zh-CN' } })).text();
      const match = /name="name" value="([^"]*)"/.exec(html);
      expect(match?.[1]).toMatch(/^路人[甲乙丙丁戊己庚辛壬癸]$/);
      names.add(match?.[1] ?? '');
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('signs in from a form: signed HttpOnly cookie pair, 302 to /, and the page shows the name', async () => {
    const response = await fetch(`${chat.server.url}/signin`, formPost({ name: '  Ada Lovelace ' }));
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

    const page = await fetch(`${chat.server.url}/`, { headers: { cookie: cookieHeader(response) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ada Lovelace');
    expect(html).toContain('# lobby');
  });

  it('answers a JSON sign-in with {code:0, data:user}; a name someone signed in holds is 409, free again once they sign out', async () => {
    const first = await chat.signIn('路人甲');
    expect(first.user.name).toBe('路人甲');
    const taken = await fetch(`${chat.server.url}/signin`, jsonPost({ name: '路人甲' }));
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({ code: 1, error: expect.stringContaining('路人甲') });
    await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie: first.cookie }, redirect: 'manual' });
    const second = await chat.signIn('路人甲');
    expect(second.user.id).not.toBe(first.user.id);
  });

  it('takes JSON when only the Accept header asks for it', async () => {
    const response = await fetch(`${chat.server.url}/signin`, {
      ...formPost({ name: 'Grace' }),
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
    const response = await fetch(`${chat.server.url}/signin`, jsonPost({ name }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 1, error: expect.any(String) });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('accepts 32 code points even where UTF-16 needs more units', async () => {
    const name = '😀'.repeat(32);
    expect((await chat.signIn(name)).user.name).toBe(name);
  });

  it('shows the form again with the error (escaped) for a bad form post', async () => {
    const response = await fetch(`${chat.server.url}/signin`, formPost({ name: `<b>${'x'.repeat(40)}` }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('<b>xxx');
  });

  it('refuses a missing name and malformed JSON with 400, never a crash', async () => {
    expect((await fetch(`${chat.server.url}/signin`, jsonPost({}))).status).toBe(400);
    const broken = await fetch(`${chat.server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 1 });
    expect((await fetch(`${chat.server.url}/healthz`)).status).toBe(200);
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(`${chat.server.url}/signin`, jsonPost({ name: 'x'.repeat(100_000) }));
    expect(response.status).toBe(413);
  });

  it('signs out on GET and POST: cookie cleared, 302 to /signin, open sockets of that user closed with 4001', async () => {
    for (const method of ['GET', 'POST']) {
      const leaving = await chat.signIn('Leaving');
      const { cookie } = leaving;
      const socket = await chat.connect(leaving);
      const response = await fetch(`${chat.server.url}/signout`, { method, headers: { cookie }, redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/signin');
      const cleared = response.headers.getSetCookie().find((c) => c.startsWith('user='));
      expect(cleared).toMatch(/expires=Thu, 01 Jan 1970/i);
      expect((await socket.closed).code).toBe(4001);
    }
  });
});
