import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0' });
});
afterAll(() => server.close());

it('draws an identicon per user id, locally, the same every time and different between users', async () => {
  const a = await signIn(server.url, 'Same Name');
  const b = await signIn(server.url, 'Same Name');
  const get = (id: string) => fetch(`${server.url}/avatars/${id}.svg`);
  const first = await get(a.user.id);
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  expect(first.headers.get('cache-control')).toMatch(/immutable/);
  const svg = await first.text();
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg).not.toMatch(/<script|href=|https?:\/\/(?!www\.w3\.org)/);
  expect(await (await get(a.user.id)).text()).toBe(svg);
  expect(await (await get(b.user.id)).text()).not.toBe(svg);
});

it('refuses anything that is not an id', async () => {
  for (const file of ['..%2Fsecret.svg', 'x.png', '%3Cscript%3E.svg', `${'a'.repeat(65)}.svg`]) {
    expect((await fetch(`${server.url}/avatars/${file}`)).status).toBe(404);
  }
});

it('shows the avatars of the page from this server only', async () => {
  const { cookie, user } = await signIn(server.url, 'Pictured');
  const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
  const sources = [...html.matchAll(/<img class="avatar" src="([^"]*)"/g)].map((m) => m[1]);
  expect(sources).toContain(`/avatars/${user.id}.svg`);
  for (const src of sources) expect(src === '' || src?.startsWith('/avatars/')).toBe(true);
});
