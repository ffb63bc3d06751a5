// Details of the sidebar (issue 17, item 10): a DM's unread badge has one colour before and after
// a reload; a DM's people column says whether the other person is online; a taken room name is
// answered with the room that has it, spelled as it is, and a button that joins and opens it.
// In Chromium, en and zh where text shows.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import { dm, roomName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import {
  badge,
  conversationTitle,
  describeInChromium,
  dmButton,
  openChat,
  openConversation,
  reloadChat,
  roomButton,
  sidebarRoom,
  usePeople,
  userButton,
} from '../helpers/page.js';
import { makePrivate } from '../helpers/privateRooms.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** In-page globals, for the callbacks below that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const locales = [
  ['en-US', 'en'],
  ['zh-CN', 'zh-CN'],
] as const;

/** The background colour of the badge in a sidebar button, as drawn. */
function badgeColour(page: Page, selector: string): Promise<string> {
  return page.locator(`${selector} .unread`).evaluate((el) => window.getComputedStyle(el).backgroundColor as string);
}

/** What the people column says: its heading, and each person's name with what is said of them. */
async function peopleColumn(page: Page): Promise<{ heading: string; people: string[] }> {
  return page.evaluate(() => ({
    heading: (document.getElementById('people-title')?.textContent ?? '').trim(),
    people: [...document.querySelectorAll('#users li')].map((li: any) =>
      [li.querySelector('.user-name')?.textContent ?? '', li.querySelector('.presence')?.textContent ?? ''].join(' ').trim(),
    ),
  }));
}

describeInChromium('DM and room details in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let owner: SignedIn;
  let taken: string;
  let secret: string;

  beforeAll(async () => {
    owner = await chat.signIn('Owner');
    taken = await chat.createRoom(owner, roomName('plans'));
    secret = roomName('secret');
    expect((await makePrivate(chat.server.url, owner, secret)).status).toBe(201);
  });

  it('draws a DM’s unread badge in one colour, as it arrives and after a reload', async () => {
    const [alice, carol] = await chat.users('Alice', 'Carol');
    const carolWs = await chat.connect(carol);
    const person = await people.launch();
    await openChat(person, chat.server.url, alice.cookie);
    const { page } = person;
    await dm(carolWs, alice.user, 'are you there?');
    await dm(carolWs, alice.user, 'hello?');
    await until('2 unread from Carol', () => badge(page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);
    const live = await badgeColour(page, dmButton(carol.user.id));
    // A room's plain unread, for comparison: the DM's is the "for you" colour, as a mention's.
    const roomColour = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'unread';
      document.body.append(probe);
      const colour = window.getComputedStyle(probe).backgroundColor;
      probe.remove();
      return colour as string;
    });
    expect(live).not.toBe(roomColour);
    await reloadChat(page);
    await until('2 unread from Carol after the reload', () => badge(page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);
    expect(await badgeColour(page, dmButton(carol.user.id))).toBe(live);
    expect(await badge(page, dmButton(carol.user.id))).toMatchObject({ mention: true });
    expect(person.pageErrors).toEqual([]);
  });

  for (const [locale, lang] of locales) {
    it(`says in a DM whether the other person is online, and rooms list their people again (${locale})`, async () => {
      const [alice, bob] = await chat.users('Alice', 'Bob');
      const bobWs = await chat.connect(bob);
      const person = await people.launch({ locale });
      await openChat(person, chat.server.url, alice.cookie);
      const { page } = person;
      await page.locator(userButton(bob.user.id)).waitFor();
      await openConversation(page, userButton(bob.user.id), '@ Bob');
      const online = { heading: translate(lang, 'sidebar.dmWith'), people: [`Bob ${translate(lang, 'people.online')}`] };
      expect(await peopleColumn(page)).toEqual(online);
      expect(await page.locator('#online-count').isVisible()).toBe(false);
      // Bob goes: the column says so, without a reload.
      await bobWs.close();
      const offline = { heading: translate(lang, 'sidebar.dmWith'), people: [`Bob ${translate(lang, 'people.offline')}`] };
      await until('Bob offline in the DM', () => peopleColumn(page), (column) => JSON.stringify(column) === JSON.stringify(offline));
      // Back in the lobby: its people, under "Online" with the count.
      await openConversation(page, roomButton('lobby'), '# lobby');
      const lobby = await peopleColumn(page);
      expect(lobby.heading).toBe(translate(lang, 'sidebar.online'));
      expect(lobby.people.some((line) => line.startsWith('Alice'))).toBe(true);
      expect(await page.locator('#online-count').isVisible()).toBe(true);
      expect(person.pageErrors).toEqual([]);
    });

    it(`names the room a taken name belongs to and offers to join it, then to open it (${locale})`, async () => {
      const reader = await chat.signIn('Reader');
      const person = await people.launch({ locale });
      await openChat(person, chat.server.url, reader.cookie);
      const { page } = person;
      const field = page.locator('#new-room-name');
      const error = page.locator('#new-room-error');
      const offer = page.locator('#new-room-existing');
      // Another spelling of the name: the answer spells it as the room is.
      await field.fill(taken.toUpperCase());
      await field.press('Enter');
      await offer.waitFor({ state: 'visible' });
      expect(((await error.textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.exists', { name: taken }));
      expect(((await offer.textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.joinExisting', { name: taken }));
      await offer.click();
      await until(`# ${taken} on screen`, () => conversationTitle(page), (title) => title === `# ${taken}`);
      expect(await sidebarRoom(page, taken)).toMatchObject({ joined: true, current: true });
      expect(await offer.isVisible()).toBe(false);
      expect(await error.isVisible()).toBe(false);
      expect(await field.inputValue()).toBe('');
      // Now mine: offered to open.
      await openConversation(page, roomButton('lobby'), '# lobby');
      await field.fill(taken);
      await field.press('Enter');
      await until('the offer to open', async () => ((await offer.textContent()) ?? '').trim(), (text) => text === translate(lang, 'rooms.openExisting', { name: taken }));
      await offer.click();
      await until(`# ${taken} on screen`, () => conversationTitle(page), (title) => title === `# ${taken}`);
      // A private room of others: taken, but neither named as it is spelled nor offered.
      await field.fill(secret.toUpperCase());
      await field.press('Enter');
      await until('the taken-name error', async () => ((await error.textContent()) ?? '').trim(), (text) => text === translate(lang, 'rooms.exists', { name: secret.toUpperCase() }));
      expect(await offer.isVisible()).toBe(false);
      expect(person.pageErrors).toEqual([]);
    });
  }
});
