// `GET /rooms/<name>`, a room's own address: to the chat page on that room (spelled as the room is)
// for whoever may see it, and "no such room" (404, a page with the way back to the lobby) for a room
// that does not exist or is private and not the reader's, the same page for both; sign-in first.
import { expect, it } from 'vitest';
import { roomName } from '../../helpers/chat.js';
import { useServer } from '../../helpers/fixture.js';
import { makePrivate } from '../../helpers/privateRooms.js';

const chat = useServer();

async function visit(path: string, cookie?: string, language = 'en') {
  const response = await fetch(`${chat.server.url}${path}`, { redirect: 'manual', headers: { 'accept-language': language, ...(cookie ? { cookie } : {}) } });
  return { status: response.status, location: response.headers.get('location'), cache: response.headers.get('cache-control'), html: await response.text() };
}

it('sends whoever may see a room to the chat page on it, spelled as the room is', async () => {
  const [owner, reader] = await chat.users('Owner', 'Reader');
  const open = await chat.createRoom(owner, roomName('Open'));
  const shown = await visit(`/rooms/${encodeURIComponent(open.toLowerCase())}`, reader.cookie);
  expect(shown.status).toBe(302);
  expect(shown.location).toBe(`/#room=${encodeURIComponent(open)}`);
  const secret = roomName('secret');
  expect((await makePrivate(chat.server.url, owner, secret)).status).toBe(201);
  expect((await visit(`/rooms/${secret}`, owner.cookie)).location).toBe(`/#room=${secret}`);
  expect((await visit('/rooms/lobby', reader.cookie)).location).toBe('/#room=lobby');
});

it('says "no such room" with a 404 and the way back to the lobby, the same for a private room of others', async () => {
  const [owner, reader] = await chat.users('Owner', 'Reader');
  const secret = roomName('secret');
  expect((await makePrivate(chat.server.url, owner, secret)).status).toBe(201);
  const missing = roomName('missing');
  const pages = [await visit(`/rooms/${missing}`, reader.cookie), await visit(`/rooms/${secret}`, reader.cookie)];
  for (const page of pages) {
    expect(page.status).toBe(404);
    expect(page.cache).toBe('no-store');
    expect(page.html).toContain('<h1>No such room</h1>');
    expect(page.html).toContain('<a href="/" id="back-to-lobby">Back to the lobby</a>');
  }
  expect(pages[0]!.html).toContain(`There is no room # ${missing} here`);
  // Nothing tells the two apart but the name asked for.
  expect(pages[1]!.html.replaceAll(secret, 'NAME')).toBe(pages[0]!.html.replaceAll(missing, 'NAME'));
  const zh = await visit(`/rooms/${missing}`, reader.cookie, 'zh-CN');
  expect(zh.status).toBe(404);
  expect(zh.html).toContain('<h1>没有这个房间</h1>');
  expect(zh.html).toContain('回到大厅');
  // Whatever the path holds is text on the page, never markup, and a name too long for a room is not one.
  const odd = await visit(`/rooms/${encodeURIComponent('<b>x</b>')}`, reader.cookie);
  expect(odd.status).toBe(404);
  expect(odd.html).toContain('&lt;b&gt;x&lt;/b&gt;');
  expect((await visit(`/rooms/${'x'.repeat(200)}`, reader.cookie)).status).toBe(404);
});

it('sends a visitor who is not signed in to sign in first', async () => {
  const shown = await visit(`/rooms/${roomName('any')}`);
  expect(shown.status).toBe(302);
  expect(shown.location).toBe('/signin');
});
