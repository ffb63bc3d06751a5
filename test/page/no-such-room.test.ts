// A link into a room that does not exist, or is private and not mine, is the server's "no such room"
// page (404) with the way back to the lobby, not a view whose every send fails; a link to a room that
// is there offers it as before (permalink-offer.test.ts), and `#room=<name>` alone opens one of mine.
// In Chromium, en and zh. Skipped without /usr/bin/chromium.
import { beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { roomName } from '../helpers/chat.js';
import type { SignedIn } from '../helpers/server.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, openChat, usePeople } from '../helpers/page.js';
import { makePrivate } from '../helpers/privateRooms.js';
import { until } from '../helpers/wait.js';
import { cookiesFor } from '../helpers/browser.js';

/** Opens `hash` on the chat page and waits for the page it ends on: the "no such room" page's 404. */
async function followToNoSuchRoom(page: Page, url: string, hash: string): Promise<number> {
  const answer = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith('/rooms/') && response.request().isNavigationRequest());
  await page.goto(`${url}/${hash}`);
  const status = (await answer).status();
  await page.waitForURL((address) => address.pathname.startsWith('/rooms/'));
  await page.waitForLoadState('load');
  return status;
}

describeInChromium('a link into a room that is not there for me', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let owner: SignedIn;
  let secret: string;
  let open: string;

  beforeAll(async () => {
    owner = await chat.signIn('Owner');
    secret = roomName('secret');
    expect((await makePrivate(chat.server.url, owner, secret)).status).toBe(201);
    open = await chat.createRoom(owner, roomName('open'));
  });

  for (const [locale, title, back] of [
    ['en-US', 'No such room', 'Back to the lobby'],
    ['zh-CN', '没有这个房间', '回到大厅'],
  ] as const) {
    it(`shows "no such room" with a 404 for a missing room and for a private one of others, and leads back to the lobby (${locale})`, async () => {
      const reader = await chat.signIn('Reader');
      const person = await people.launch({ locale });
      const { page } = person;
      await person.context.addCookies(cookiesFor(chat.server.url, reader.cookie));
      const missing = roomName('gone');
      for (const room of [missing, secret]) {
        expect(await followToNoSuchRoom(page, chat.server.url, `#room=${room}&message=1`)).toBe(404);
        expect(new URL(page.url()).pathname).toBe(`/rooms/${room}`);
        expect(await page.locator('h1').textContent()).toBe(title);
        expect(await page.locator('main').textContent()).toContain(`# ${room}`);
        expect(await page.locator('#room-offer').count()).toBe(0);
      }
      // A link to the room alone, too.
      expect(await followToNoSuchRoom(page, chat.server.url, `#room=${missing}`)).toBe(404);
      await page.locator('#back-to-lobby').click();
      await page.waitForSelector('#status[data-state="online"]');
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await conversationTitle(page)).toBe('# lobby');
      expect(person.pageErrors).toEqual([]);
    });
  }

  it('offers a room that is there from a link to it alone, and opens one of mine', async () => {
    const reader = await chat.signIn('Reader');
    const person = await people.launch();
    const { page } = person;
    await openChat(person, chat.server.url, reader.cookie, `/#room=${open}`);
    await page.locator('#room-offer').waitFor({ state: 'visible' });
    expect(await page.locator('#room-offer .chooser-title').textContent()).toBe(`This link is to # ${open}, a room you are not in.`);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.locator('#room-offer-join').click();
    await until(`# ${open} on screen`, () => conversationTitle(page), (shown) => shown === `# ${open}`);
    // Now mine: the room's address opens it straight away (through the server's redirect).
    await page.goto(`${chat.server.url}/rooms/${open.toUpperCase()}`);
    await page.waitForSelector('#status[data-state="online"]');
    await until(`# ${open} on screen`, () => conversationTitle(page), (shown) => shown === `# ${open}`);
    expect(await page.locator('#room-offer').count()).toBe(0);
    expect(person.pageErrors).toEqual([]);
  });
});
