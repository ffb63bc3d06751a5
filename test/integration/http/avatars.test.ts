// Avatars (/avatars/<id>.svg): an identicon drawn here per user id, the same every time and
// different between users, nothing but ids taken, and the page's avatars all from this server.
import { expect, it } from 'vitest';
import { useServer } from '../../helpers/fixture.js';

const chat = useServer();

it('draws an identicon per user id, locally, the same every time and different between users', async () => {
  // Two people of one name (the first signed out, so the name was free again): two ids, two pictures.
  const a = await chat.signIn('Same Name');
  await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie: a.cookie }, redirect: 'manual' });
  const b = await chat.signIn('Same Name');
  expect(b.user.name).toBe(a.user.name);
  const get = (id: string) => fetch(`${chat.server.url}/avatars/${id}.svg`);
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
    expect((await fetch(`${chat.server.url}/avatars/${file}`)).status).toBe(404);
  }
});

it('shows the avatars of the page from this server only', async () => {
  const { cookie, user } = await chat.signIn('Pictured');
  const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie } })).text();
  const sources = [...html.matchAll(/<img class="avatar" src="([^"]*)"/g)].map((m) => m[1]);
  expect(sources).toContain(`/avatars/${user.id}.svg`);
  for (const src of sources) expect(src === '' || src?.startsWith('/avatars/')).toBe(true);
});
