// The keyboard (issue 17, item 8): opening a conversation, a room or a DM, by click or by keyboard,
// puts the focus in its message box; the page's first Tab stop is a link, shown when focused, that
// goes straight to the box past every message's time link. In Chromium, en and zh.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { roomName, say } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, dmButton, openChat, roomButton, usePeople, userButton } from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** In-page globals, for the callbacks below that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The id of the element with the focus. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describeInChromium('the keyboard in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let carol: SignedIn;
  let room: string;

  beforeAll(async () => {
    carol = await chat.signIn('Carol');
    room = await chat.createRoom(carol, roomName('keys'));
    const carolWs = await people.client(carol, [room]);
    // Messages in the lobby, each with its time link: what Tab would otherwise walk through.
    for (let i = 0; i < 5; i++) await say(carolWs, `line ${i}`);
  });

  for (const [locale, skipText] of [
    ['en-US', 'Skip to the message box'],
    ['zh-CN', '跳到输入框'],
  ] as const) {
    it(`takes the first Tab to a skip link that is seen and goes to the box (${locale})`, async () => {
      const reader = await chat.signIn('Reader');
      const person = await people.launch({ locale });
      await openChat(person, chat.server.url, reader.cookie);
      const { page } = person;
      const skip = page.locator('#skip-to-composer');
      expect(await skip.textContent()).toBe(skipText);
      // Out of sight until focused.
      expect((await skip.boundingBox())?.y ?? -1).toBeLessThan(0);
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('skip-to-composer');
      const box = await skip.boundingBox();
      expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
      expect(box?.height ?? 0).toBeGreaterThan(10);
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('input');
      // The address is not changed by it (it names conversations).
      expect(new URL(page.url()).hash).toBe('');
      await page.keyboard.type('typed at once');
      expect(await page.locator('#input').inputValue()).toBe('typed at once');
      expect(person.pageErrors).toEqual([]);
    });
  }

  it('puts the focus in the box when a room or a DM is opened, by click or by keyboard', async () => {
    const reader = await chat.signIn('Reader');
    const person = await people.launch();
    await openChat(person, chat.server.url, reader.cookie);
    const { page } = person;
    // Joining a room from the directory (by click) …
    await page.locator('#room-finder-input').fill(room);
    await page.locator(`#directory-list .directory-room[data-room="${room}"]`).click();
    await until(`# ${room} on screen`, () => conversationTitle(page), (title) => title === `# ${room}`);
    expect(await focused(page)).toBe('input');
    // … the lobby from the sidebar by keyboard …
    await page.locator(roomButton('lobby')).focus();
    await page.keyboard.press('Enter');
    await until('# lobby on screen', () => conversationTitle(page), (title) => title === '# lobby');
    expect(await focused(page)).toBe('input');
    // … a DM from the people list by click, and from the DM list by keyboard.
    await page.locator(userButton(carol.user.id)).click();
    await until('@ Carol on screen', () => conversationTitle(page), (title) => title === '@ Carol');
    expect(await focused(page)).toBe('input');
    await page.locator(roomButton(room)).click();
    await until(`# ${room} on screen`, () => conversationTitle(page), (title) => title === `# ${room}`);
    expect(await focused(page)).toBe('input');
    await page.locator(dmButton(carol.user.id)).focus();
    await page.keyboard.press('Space');
    await until('@ Carol on screen', () => conversationTitle(page), (title) => title === '@ Carol');
    expect(await focused(page)).toBe('input');
    expect(person.pageErrors).toEqual([]);
  });
});
