// The bundled nginx site (nginx/chat.conf) in front of the app, as operators install it: `nginx -t`,
// proxying (headers, sign-in, the chat page, redirects, body limits), /static/ served by nginx
// itself, the chat's WebSocket with its Origin check and heartbeats, a stopped app, and the
// client address behind the proxy. Without nginx the file is skipped (a failure in CI).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { upgradeStatus } from '../helpers/upgrade.js';
import { checkNginxConfig, nginxForTests, prepareNginx, useNginx } from '../helpers/nginx.js';
import { signIn, type SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

// Skips (with a printed reason) without nginx on a newcomer's machine; throws under CI=true.
const nginxBinary = nginxForTests();

describe.skipIf(!nginxBinary)('the bundled nginx site (nginx/chat.conf) in front of the app', () => {
  // A 500 ms heartbeat, so "pings pass through nginx" is observable in a couple of seconds.
  const chat = useServer({ TRUST_PROXY: '1', HEARTBEAT_MS: '500' });
  const nginx = useNginx(nginxBinary!, chat);
  let alice: SignedIn;

  it('passes `nginx -t` as generated from the bundled file', () => {
    const prepared = prepareNginx(nginxBinary!, { port: 8080, appPort: 3001 });
    try {
      expect(checkNginxConfig(prepared)).toMatch(/syntax is ok/);
    } finally {
      fs.rmSync(prepared.prefix, { recursive: true, force: true });
    }
  });

  it('proxies /healthz and hides the nginx version', async () => {
    const response = await fetch(`${nginx.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('server')).toBe('nginx');
  });

  it('signs in with JSON through nginx and sets the identity cookie', async () => {
    alice = await signIn(nginx.url, 'Alice');
    expect(alice.user.name).toBe('Alice');
    expect(alice.cookie).toMatch(/(^|; )user=[^;]+; user\.sig=[^;]+/);
  });

  it('overwrites a client-sent X-Forwarded-Proto with the real scheme (no Secure cookie over http)', async () => {
    const response = await fetch(`${nginx.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ name: 'Mallory' }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie();
    expect(setCookie.length).toBeGreaterThan(0);
    for (const line of setCookie) expect(line.toLowerCase()).not.toContain('secure');
  });

  it('refuses a body over client_max_body_size before it reaches the app', async () => {
    const response = await fetch(`${nginx.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(100 * 1024) }),
    });
    expect(response.status).toBe(413);
  });

  it('renders the chat page for the cookie', async () => {
    const response = await fetch(`${nginx.url}/`, { headers: { cookie: alice.cookie }, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Alice');
    expect(html).toContain('/static/app.js');
  });

  it('redirects to /signin without a cookie, with the Location the app set', async () => {
    const response = await fetch(`${nginx.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/\/signin$/);
  });

  it('serves /static/ itself, with its cache headers', async () => {
    const response = await fetch(`${nginx.url}/static/style.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await response.text()).toBe(fs.readFileSync(new URL('../../static/style.css', import.meta.url), 'utf8'));
    // An hour without its content hash (`?v=`); a year with it: nginx-compression.test.ts.
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await fetch(`${nginx.url}/static/nope.css`)).status).toBe(404);
  });

  it('carries a WebSocket chat between two browser-like clients (cookie + own Origin)', async () => {
    const bob = await signIn(nginx.url, 'Bob');
    // The Origin a browser on the nginx URL sends: accepted only if Host survived the proxy.
    const origin = nginx.url;
    const a = chat.keep(await TestClient.connect(nginx.wsUrl, { cookie: alice.cookie, origin }));
    const b = chat.keep(await TestClient.connect(nginx.wsUrl, { cookie: bob.cookie, origin }));
    await a.next((m) => m.type === 'list' && m.room === 'lobby');
    await b.next((m) => m.type === 'list' && m.room === 'lobby');
    a.send({ type: 'chat', room: 'lobby', data: 'hello through nginx', ref: 'r1' });
    const toA = await a.nextOfType('chat');
    const toB = await b.nextOfType('chat');
    for (const message of [toA, toB]) {
      expect(message).toMatchObject({ room: 'lobby', data: 'hello through nginx', user: { id: alice.user.id } });
    }
    expect(toA.id).toBe(toB.id);
    expect(toA.ref).toBe('r1');
  });

  it('refuses a foreign Origin through nginx with 403, and a wrong path with 404', async () => {
    expect(await upgradeStatus(nginx.wsUrl, { cookie: alice.cookie, origin: 'http://evil.example' })).toBe(403);
    // Same host, other port: not the site's origin either.
    expect(await upgradeStatus(nginx.wsUrl, { cookie: alice.cookie, origin: `http://127.0.0.1:${chat.server.port}` })).toBe(403);
    expect(await upgradeStatus(nginx.wsUrl.replace(/\/ws\/chat$/, '/ws/other'), { cookie: alice.cookie })).toBe(404);
  });

  it('closes a connection without identity with 4001 through nginx', async () => {
    const client = chat.keep(await TestClient.connect(nginx.wsUrl, { origin: nginx.url }));
    expect(await client.closed).toEqual({ code: 4001, reason: 'Invalid user' });
  });

  it('keeps an idle WebSocket open across several heartbeats (pings pass through nginx)', async () => {
    const client = chat.keep(await TestClient.ready(nginx.wsUrl, alice.cookie));
    let pings = 0;
    client.socket.on('ping', () => pings++);
    // The server pings again only once the last ping's pong came back (else it ends the socket):
    // a third ping means two pongs made it through nginx.
    await until('three heartbeats through nginx', () => pings, (n) => n >= 3, 5000);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.send({ type: 'chat', data: 'still here' });
    expect(await client.nextOfType('chat')).toMatchObject({ data: 'still here' });
  });

  it('still serves /static/ when the app is down, while proxied routes get 502', async () => {
    await chat.server.close(); // closed again after the suite: a no-op
    const css = await fetch(`${nginx.url}/static/style.css`);
    expect(css.status).toBe(200);
    await css.text();
    const health = await fetch(`${nginx.url}/healthz`);
    expect(health.status).toBe(502);
    await health.text();
  });
});

describe.skipIf(!nginxBinary)('the client address behind the bundled nginx (TRUST_PROXY=1)', () => {
  const chat = useServer({ TRUST_PROXY: '1', SIGNIN_RATE_LIMIT: '2' });
  const nginx = useNginx(nginxBinary!, chat);

  const signInFrom = (forwardedFor: string) =>
    fetch(`${nginx.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': forwardedFor },
      // A name each: a name someone is signed in under is theirs (409), which is not what is tested here.
      body: JSON.stringify({ name: `Spoofer${forwardedFor.replaceAll('.', '')}` }),
    }).then(async (response) => {
      await response.text();
      return response.status;
    });

  // nginx appends the real peer to whatever X-Forwarded-For the client sent ($proxy_add_x_forwarded_for),
  // so only the last entry is trustworthy: the sign-in limit must count 127.0.0.1, not the forged values.
  it('rate-limits sign-ins by the real client address, not a forged X-Forwarded-For', async () => {
    expect([await signInFrom('10.0.0.1'), await signInFrom('10.0.0.2'), await signInFrom('10.0.0.3')]).toEqual([200, 200, 429]);
  });
});
