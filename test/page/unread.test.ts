// The chat page in Chromium, what is unread: counts per room and per conversation (in the sidebar
// and the tab title) kept by the server across reloads and browsers, the "New messages" line, what
// is read as it arrives, mentions counted apart, and desktop notifications, only for a person who
// turned them on. Typing and direct messages themselves are in people.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { settlePage, type Person } from '../helpers/browser.js';
import { say as post } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  badge,
  describeInChromium,
  dmButton,
  fakeNotifications,
  inLobby,
  notificationsMade,
  openChat,
  openConversation,
  openRoom,
  reloadChat,
  roomButton,
  setTabHidden,
  usePeople,
  visibleMessages,
  waitForMessage,
} from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** The number the tab title starts with, as `(3) …`; 0 without one. */
async function titleCount(page: Page): Promise<number> {
  return Number(/^\((\d+)\)/.exec(await page.title())?.[1] ?? 0);
}

/** The sum of the unread badges shown in the sidebar. */
function badgeTotal(page: Page): Promise<number> {
  return page
    .locator('#rooms .room-link .unread, #dms .dm-link .unread')
    .evaluateAll((badges) => badges.filter((b) => !b.hidden).reduce((sum, b) => sum + (Number(b.textContent) || 0), 0));
}

describeInChromium('unread, mentions and notifications in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let alice: Person;
  let bob: Person;
  let bobUser: SignedIn;
  let carol: SignedIn;
  /** The third person, in # dev and # ops: writes what is unread for the others. */
  let carolWs: TestClient;

  beforeAll(async () => {
    ({ alice, bob, bobUser, carol, carolWs } = await people.aliceBobCarol({ rooms: ['dev', 'ops'], carolIn: ['dev', 'ops'] }));
    // Both people are members of # dev and # ops, and back in the lobby.
    for (const person of [alice, bob]) {
      for (const room of ['dev', 'ops', 'lobby']) await openRoom(person.page, room);
    }
  });

  it('counts unread messages per room and per conversation, and keeps them across a reload', async () => {
    const { page } = bob;
    await inLobby(bob);
    for (let i = 1; i <= 3; i++) carolWs.send({ type: 'chat', room: 'dev', data: `dev news ${i}` });
    for (let i = 1; i <= 2; i++) carolWs.send({ type: 'dm', to: bobUser.user.id, data: `psst Bob ${i}` });
    await until('3 unread in # dev', () => badge(page, roomButton('dev')), (b) => b.shown && b.count === 3);
    await until('2 unread from Carol', () => badge(page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);
    expect(await badge(page, roomButton('ops'))).toMatchObject({ shown: false });
    // The tab title counts them all: (5), or more if something earlier was left unread.
    expect(await titleCount(page)).toBe(await badgeTotal(page));
    expect(await titleCount(page)).toBeGreaterThanOrEqual(5);

    // Not read yet: a reload brings the same counts back from the server.
    await reloadChat(page);
    await until('3 unread in # dev after the reload', () => badge(page, roomButton('dev')), (b) => b.shown && b.count === 3);
    await until('2 unread from Carol after the reload', () => badge(page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);
    expect(await titleCount(page)).toBe(await badgeTotal(page));
    expect(await titleCount(page)).toBeGreaterThanOrEqual(5);
  });

  it('marks the first unread message with a "New messages" line, and keeps the read position on the server', async () => {
    const { page } = bob;
    // Bob, signed in in a second browser too, sees the same counts there.
    const bobElsewhere = await people.elsewhere(bob);
    await until('3 unread in # dev in the second browser', () => badge(bobElsewhere.page, roomButton('dev')), (b) => b.shown && b.count === 3);

    await openRoom(page, 'dev');
    const divider = page.locator('#scroller ol.messages:not([hidden]) li.divider');
    await divider.waitFor({ state: 'visible' });
    expect(await divider.count()).toBe(1);
    expect(((await divider.textContent()) ?? '').trim()).not.toBe('');
    // Right above the first of the three, with the messages read before it above.
    const next = await divider.evaluate((el) => el.nextElementSibling?.querySelector('.text')?.textContent ?? null);
    expect(next).toBe('dev news 1');
    expect(await badge(page, roomButton('dev'))).toMatchObject({ shown: false });

    // Read here: the other browser's count goes, live, and stays gone on a reload there.
    await until('# dev read in the second browser', () => badge(bobElsewhere.page, roomButton('dev')), (b) => !b.shown);
    await reloadChat(bobElsewhere.page);
    await settlePage(bobElsewhere.page); // what the server has unread for Bob came before the answer to this
    expect(await badge(bobElsewhere.page, roomButton('dev'))).toMatchObject({ shown: false });
    await until('Carol’s 2 still unread there', () => badge(bobElsewhere.page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);

    // The conversation too: its own line above its first unread message.
    await openConversation(page, dmButton(carol.user.id), '@ Carol');
    await waitForMessage(page, 'psst Bob 2');
    const dmDivider = page.locator('#scroller ol.messages:not([hidden]) li.divider');
    await dmDivider.waitFor({ state: 'visible' });
    expect(await dmDivider.evaluate((el) => el.nextElementSibling?.querySelector('.text')?.textContent ?? null)).toBe('psst Bob 1');
    await until('Carol’s read in the second browser', () => badge(bobElsewhere.page, dmButton(carol.user.id)), (b) => !b.shown);

    // And in this browser after a reload: nothing unread any more.
    await reloadChat(page);
    await settlePage(page);
    expect(await badge(page, roomButton('dev'))).toMatchObject({ shown: false });
    expect(await badge(page, dmButton(carol.user.id))).toMatchObject({ shown: false });
    expect(await titleCount(page)).toBe(await badgeTotal(page));
    await bobElsewhere.close();
  });

  it('counts what arrived in the open conversation as read, even when the person moves on at once', async () => {
    const { page } = bob;
    await inLobby(bob);
    await openConversation(page, dmButton(carol.user.id), '@ Carol');
    // Two quick messages while Bob is looking at the conversation; he reads them and goes straight back.
    carolWs.send({ type: 'dm', to: bobUser.user.id, data: 'quick one' });
    carolWs.send({ type: 'dm', to: bobUser.user.id, data: 'quick two' });
    await waitForMessage(page, 'quick two');
    await openRoom(page, 'lobby');
    expect(await badge(page, dmButton(carol.user.id))).toMatchObject({ shown: false });
    // The server was told: neither a reload nor another browser brings them back as unread.
    await reloadChat(page);
    await settlePage(page);
    expect(await badge(page, dmButton(carol.user.id)), 'Carol’s DMs that Bob saw, after a reload').toMatchObject({ shown: false });
    expect(await titleCount(page)).toBe(await badgeTotal(page));
  });

  it('isolates a message holding bidi controls, live and after a reload, so it reorders nothing around it', async () => {
    const evil = `\u202Eevil ${Date.now()}`;
    carolWs.send({ type: 'chat', data: evil });
    const styleOf = (page: Page) =>
      page.locator('#messages li .text', { hasText: evil.slice(1) }).evaluate((text) => {
        const author = text.closest('li')!.querySelector('.author')!;
        const style = text.ownerDocument.defaultView!.getComputedStyle.bind(text.ownerDocument.defaultView);
        return { dir: text.getAttribute('dir'), text: style(text).unicodeBidi, author: style(author).unicodeBidi };
      });
    await waitForMessage(bob.page, evil);
    expect(await styleOf(bob.page)).toEqual({ dir: 'auto', text: 'plaintext', author: 'isolate' });
    await reloadChat(bob.page);
    expect(await styleOf(bob.page)).toEqual({ dir: 'auto', text: 'plaintext', author: 'isolate' });
  });

  it('highlights a mention for the person named only, and counts mentions apart', async () => {
    await inLobby(alice, bob);
    carolWs.send({ type: 'chat', data: 'Hey @Bob, look at this' });
    carolWs.send({ type: 'chat', data: '@Bobby is someone else' });
    const bobs = await until(
      'both messages on Bob’s page',
      () => visibleMessages(bob.page),
      (rows) => rows.some((r) => r.text === '@Bobby is someone else' && r.id !== null),
    );
    const forBob = bobs.find((r) => r.text === 'Hey @Bob, look at this');
    expect(forBob?.mention).toBe(true);
    expect(bobs.find((r) => r.text === '@Bobby is someone else')?.mention).toBe(false);
    const alices = await waitForMessage(alice.page, 'Hey @Bob, look at this');
    expect(alices.id).toBe(forBob?.id);
    expect(alices.mention).toBe(false);

    // In rooms they are not looking at: # dev gets a mention among plain messages, # ops plain only.
    carolWs.send({ type: 'chat', room: 'dev', data: 'plain dev talk' });
    carolWs.send({ type: 'chat', room: 'dev', data: '@Bob can you review?' });
    carolWs.send({ type: 'chat', room: 'ops', data: 'plain ops talk' });
    await until('# dev: 2 unread, one a mention', () => badge(bob.page, roomButton('dev')), (b) => b.shown && b.count === 2 && b.mention);
    await until('# ops: 1 unread', () => badge(bob.page, roomButton('ops')), (b) => b.shown && b.count === 1);
    expect(await badge(bob.page, roomButton('ops'))).toMatchObject({ mention: false });
    // Alice is in # dev too, but nobody mentioned her.
    await until('Alice’s # dev: 2 unread', () => badge(alice.page, roomButton('dev')), (b) => b.shown && b.count >= 2);
    expect(await badge(alice.page, roomButton('dev'))).toMatchObject({ mention: false });

    await openRoom(bob.page, 'dev');
    const rows = await waitForMessage(bob.page, '@Bob can you review?');
    expect(rows.mention).toBe(true);
    expect(await badge(bob.page, roomButton('dev'))).toMatchObject({ shown: false });
    await openRoom(bob.page, 'lobby');
  });

  it('notifies a DM or a mention while the tab is hidden once the person turns notifications on, and counts unread in the tab title', async () => {
    const erinUser = await chat.signIn('Erin');
    const erin = await people.launch();
    // A first visit: the browser has not been asked yet, and says yes when the page asks.
    await fakeNotifications(erin.context, 'default');
    await openChat(erin, chat.server.url, erinUser.cookie);

    const button = erin.page.locator('#notify');
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    await button.click();
    await until('notifications on', () => button.getAttribute('aria-pressed'), (v) => v === 'true');

    await setTabHidden(erin.page, true);
    carolWs.send({ type: 'dm', to: erinUser.user.id, data: 'A private word, Erin' });
    carolWs.send({ type: 'chat', data: 'Just chatting, nothing for anyone' });
    await post(carolWs, '@Erin standup in 5');

    // All three are through the server (the last one's echo came back), so Erin's page has handled
    // them by the answer to its ping: the notifications made then are all there will be.
    await settlePage(erin.page);
    const made = await notificationsMade(erin.page);
    expect(made).toHaveLength(2); // the plain message made none
    expect(made.some((n) => /Carol/.test(n.title) && n.body.includes('A private word, Erin'))).toBe(true);
    expect(made.some((n) => n.body.includes('standup in 5'))).toBe(true);

    // The tab title counts what is unread: the DM, and the two lobby messages that came while away.
    await until('Erin’s tab title counts 3', () => erin.page.title(), (t) => t.startsWith('(3)'));
    // Back on the tab: the lobby on screen is read, the DM still waits.
    await setTabHidden(erin.page, false);
    await until('Erin’s title counts 1', () => erin.page.title(), (t) => t.startsWith('(1)'));
    expect(erin.pageErrors).toEqual([]);
    await erin.close();
  });

  it('makes no notification for a person who has not turned them on, even where the browser allows them', async () => {
    const frankUser = await chat.signIn('Frank');
    const frank = await people.launch();
    // The browser already allows this site (granted some other time); Frank never pressed the button here.
    await fakeNotifications(frank.context, 'granted');
    await openChat(frank, chat.server.url, frankUser.cookie);
    await setTabHidden(frank.page, true);
    carolWs.send({ type: 'dm', to: frankUser.user.id, data: 'A private word, Frank' });
    carolWs.send({ type: 'chat', data: '@Frank standup in 5' });
    await until('Frank’s tab title counts 2', () => frank.page.title(), (t) => t.startsWith('(2)'));
    await settlePage(frank.page);
    expect(await frank.page.locator('#notify').getAttribute('aria-pressed')).toBe('false');
    expect(await notificationsMade(frank.page)).toEqual([]);
    await frank.close();
  });
});
