// Static files over HTTP, named by their content: every page links the stylesheet, the favicon and
// its script with the file's hash (`?v=`), those addresses are kept for a year (immutable), other
// static requests for an hour, and pages themselves are not kept. Through nginx: test/deploy/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { useServer } from '../../helpers/fixture.js';
import { STATIC_DIR } from '../../../src/paths.js';

const chat = useServer();

const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(STATIC_DIR, file))).digest('hex').slice(0, 12);
/** Every /static/ address a page links to. */
const linked = (html: string) => [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

it('links the stylesheet, favicon and script of every page by their content hash', async () => {
  const alice = await chat.signIn('Alice');
  const chatPage = await (await fetch(`${chat.server.url}/`, { headers: { cookie: alice.cookie } })).text();
  const signinPage = await (await fetch(`${chat.server.url}/signin`)).text();
  for (const file of ['style.css', 'favicon.svg', 'app.js']) expect(linked(chatPage)).toContain(`/static/${file}?v=${hashOf(file)}`);
  for (const file of ['style.css', 'favicon.svg', 'signin.js']) expect(linked(signinPage)).toContain(`/static/${file}?v=${hashOf(file)}`);
  expect(chatPage).toContain('<link rel="icon"');
  // Nothing linked without its version.
  for (const url of [...linked(chatPage), ...linked(signinPage)]) expect(url).toMatch(/\?v=[0-9a-f]{12}$/);
});

it('keeps a hashed address for a year, a bare one for an hour, and no page for long', async () => {
  for (const file of ['style.css', 'app.js', 'signin.js', 'favicon.svg']) {
    const hashed = await fetch(`${chat.server.url}/static/${file}?v=${hashOf(file)}`);
    expect(hashed.status, file).toBe(200);
    expect(hashed.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await hashed.arrayBuffer()).equals(fs.readFileSync(path.join(STATIC_DIR, file))), file).toBe(true);
    const bare = await fetch(`${chat.server.url}/static/${file}`);
    expect(bare.headers.get('cache-control'), file).toBe('max-age=3600');
    // A version that is not the file's (an old page after a deploy) is not promised for a year.
    const stale = await fetch(`${chat.server.url}/static/${file}?v=000000000000`);
    expect(stale.headers.get('cache-control'), file).toBe('max-age=3600');
  }
  expect((await fetch(`${chat.server.url}/static/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  expect((await fetch(`${chat.server.url}/static/nope.css?v=${hashOf('style.css')}`)).status).toBe(404);
  const alice = await chat.signIn('Alice');
  expect((await fetch(`${chat.server.url}/`, { headers: { cookie: alice.cookie } })).headers.get('cache-control')).toBe('no-store');
  const signin = await fetch(`${chat.server.url}/signin`);
  expect(signin.headers.get('cache-control') ?? '').not.toMatch(/max-age=[1-9]|immutable/);
});
