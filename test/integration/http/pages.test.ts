// The pages over HTTP: the chat page (messages as escaped text, one page of history, what changed
// since the last load), /healthz, static files, security headers and 404s.
import { describe, expect, it } from 'vitest';
import { dm, join, say, unique } from '../../helpers/chat.js';
import { useServer } from '../../helpers/fixture.js';

const chat = useServer();

describe('the chat page', () => {
  it('renders the latest lobby messages as escaped text, with no script of theirs in the HTML', async () => {
    const who = await chat.signIn('<script>alert("name")</script>');
    const { cookie } = who;
    const client = await chat.connect(who);
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script> & "quotes"';
    client.send({ type: 'chat', data: payload });
    await client.nextOfType('chat');
    const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie } })).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    // The only scripts are our own bundle.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([expect.stringMatching(/^<script type="module" src="\/static\/app\.js\?v=[0-9a-f]{12}">$/)]);
  });

  describe('with HISTORY_LIMIT=3', () => {
    const small = useServer({ HISTORY_LIMIT: '3', RATE_LIMIT: '0' });

    it('carries at most one page of history (HISTORY_LIMIT) and the id to resume from', async () => {
      const pager = await small.signIn('Pager');
      const { cookie } = pager;
      const client = await small.connect(pager);
      for (let i = 1; i <= 5; i++) client.send({ type: 'chat', data: `message ${i}` });
      let last = 0;
      for (let i = 1; i <= 5; i++) last = (await client.nextOfType('chat')).id;
      const html = await (await fetch(`${small.server.url}/`, { headers: { cookie } })).text();
      expect(html.match(/class="text"/g)?.length).toBe(3 + 1); // 3 messages + the template
      expect(html).toContain('message 5');
      expect(html).not.toContain('message 2<');
      expect(html).toContain(`data-last-id="${last}"`);
    });
  });

  it('shows on every reload what changed since the last: the id to resume from (DMs count) and rooms joined', async () => {
    const reloader = await chat.signIn('Reloader');
    const { cookie } = reloader;
    const other = await chat.signIn('Reloaded');
    const page = async () => (await fetch(`${chat.server.url}/`, { headers: { cookie } })).text();
    const client = await chat.connect(reloader);
    const first = await say(client, unique('before the first load'));
    expect(await page()).toContain(`data-last-id="${first.id}"`);
    const second = await say(client, unique('after the first load'));
    const room = await chat.createRoom(reloader);
    await join(client, room);
    const reloaded = await page();
    expect(reloaded).toContain(`data-last-id="${second.id}"`);
    expect(reloaded).toContain(`data-room="${room}"`);
    const direct = await dm(client, other.user, unique('after the second load'));
    expect(await page()).toContain(`data-last-id="${direct.id}"`);
  });
});

describe('health, static files and headers', () => {
  it('answers /healthz with 200 {"status":"ok"}', async () => {
    const response = await fetch(`${chat.server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves /static files and the built bundle, 404 for missing ones and path traversal', async () => {
    const css = await fetch(`${chat.server.url}/static/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${chat.server.url}/static/app.js`)).status).toBe(200);
    expect((await fetch(`${chat.server.url}/static/nope.css`)).status).toBe(404);
    expect((await fetch(`${chat.server.url}/static/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${chat.server.url}/static/..%2fpackage.json`)).status).not.toBe(200);
    expect((await fetch(`${chat.server.url}/static/`)).status).toBe(404);
  });

  it('sends security headers with every page', async () => {
    const response = await fetch(`${chat.server.url}/signin`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBeTruthy();
  });

  it('answers an unknown route with 404', async () => {
    expect((await fetch(`${chat.server.url}/no-such-page`)).status).toBe(404);
    const api = await fetch(`${chat.server.url}/no-such-page`, { headers: { accept: 'application/json', 'accept-language': 'en' } });
    expect(await api.json()).toEqual({ code: 1, error: 'Not found' });
  });
});
