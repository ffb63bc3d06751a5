// The chat page in Chromium, part 2: between people. Typing, direct messages (from the people
// list, with `@name`, with two people of one name), unread counts and the "New messages" line kept
// by the server across reloads and tabs, mentions, desktop notifications, and DMs across a restart.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import {
  badge,
  chromiumAvailable,
  conversationTitle,
  createRoomAs,
  dmButton,
  fakeNotifications,
  launchPerson,
  notificationsMade,
  openChat,
  reloadChat,
  roomButton,
  sameUserElsewhere,
  say,
  setTabHidden,
  sleep,
  until,
  visibleMessages,
  waitForMessage,
  type Person,
} from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';

const hasChromium = chromiumAvailable();

const typingLine = async (page: Page) => ((await page.locator('#typing').textContent()) ?? '').trim();
const texts = async (page: Page) => (await visibleMessages(page)).map((m) => m.text);

/** Opens a conversation from the sidebar and waits for its title. */
async function open(page: Page, selector: string, title: string): Promise<void> {
  await page.locator(selector).click();
  await until(`"${title}" on screen`, () => conversationTitle(page), (t) => t === title);
}

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

/** Puts each person back in the lobby (a test before may have failed elsewhere). */
async function inLobby(...persons: Person[]): Promise<void> {
  for (const person of persons) {
    if ((await conversationTitle(person.page)) !== '# lobby') await open(person.page, roomButton('lobby'), '# lobby');
  }
}

const isDm = (text: string) => (m: ServerMessage) => m.type === 'dm' && m.data === text;

describe.skipIf(!hasChromium)('people talking to each other in Chromium', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  let carol: SignedIn;
  /** The third person: sees everything in the lobby and rooms, and no DM of the others. */
  let carolWs: TestClient;
  const clients: TestClient[] = [];
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
    [aliceUser, bobUser, carol] = await Promise.all([signIn(server.url, 'Alice'), signIn(server.url, 'Bob'), signIn(server.url, 'Carol')]);
    for (const room of ['dev', 'ops']) expect(await createRoomAs(server.url, carol.cookie, room)).toBe(201);
    carolWs = await TestClient.ready(server.wsUrl, carol.cookie);
    clients.push(carolWs);
    for (const room of ['dev', 'ops']) {
      carolWs.send({ type: 'join', room });
      await carolWs.next((m) => m.type === 'list' && m.room === room);
    }
    [alice, bob] = await Promise.all([launchPerson(), launchPerson()]);
    people.push(alice, bob);
    await Promise.all([openChat(alice, server.url, aliceUser.cookie), openChat(bob, server.url, bobUser.cookie)]);
    // Both people are members of # dev and # ops, and back in the lobby.
    for (const person of [alice, bob]) {
      for (const room of ['dev', 'ops']) await open(person.page, roomButton(room), `# ${room}`);
      await open(person.page, roomButton('lobby'), '# lobby');
    }
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const person of people) await person?.close();
    await server?.close();
  });

  it('shows who is typing to the others, not to themselves, and hides it after a few seconds of silence', async () => {
    // Bob is looking at the lobby, where Alice types a little and stops.
    await alice.page.locator('#input').click();
    await alice.page.keyboard.type('Wait, one more th', { delay: 20 });
    const shown = await until('"Alice is typing…" on Bob’s page', () => typingLine(bob.page), (line) => line !== '', 2500);
    const stoppedAt = Date.now();
    expect(shown).toMatch(/Alice/);
    expect(shown).toMatch(/typing/i);
    expect(await typingLine(alice.page)).toBe('');
    await sleep(2500);
    expect(await typingLine(bob.page), 'still shown 2.5 s after the last key').toMatch(/Alice/);
    await until('the typing line to clear after the silence', () => typingLine(bob.page), (line) => line === '', 6000);
    const after = Date.now() - stoppedAt;
    expect(after).toBeGreaterThanOrEqual(3000);
    expect(after).toBeLessThan(8000);
    expect(await typingLine(alice.page)).toBe('');
  }, 20_000);

  it('hides "is typing" when the message arrives, and shows it again when the next one is begun', async () => {
    // Well over the 2 s between two typing signals since the last test.
    await alice.page.locator('#input').fill('');
    await alice.page.locator('#input').click();
    await alice.page.keyboard.type('Hello the', { delay: 30 });
    await until('"Alice is typing…" on Bob’s page', () => typingLine(bob.page), (line) => /Alice/.test(line), 2500);
    await alice.page.keyboard.type('re', { delay: 30 });
    await alice.page.keyboard.press('Enter');
    await waitForMessage(bob.page, 'Hello there');
    expect(await typingLine(bob.page)).toBe('');

    // Straight on with the next message (a second or so later): Bob sees it again.
    await alice.page.keyboard.type('And one more thing', { delay: 30 });
    try {
      await until('Alice typing again on Bob’s page', () => typingLine(bob.page), (line) => /Alice/.test(line), 2500);
    } finally {
      await alice.page.locator('#input').fill('');
    }
  });

  it('opens a direct conversation from the people list; both see it and nobody else does', async () => {
    await inLobby(alice, bob);
    await alice.page.locator(`#users .user-link[data-user-id="${bobUser.user.id}"]`).click();
    await until('"@ Bob" on Alice’s page', () => conversationTitle(alice.page), (t) => t === '@ Bob');
    await say(alice.page, 'Hi Bob, 私聊一下');
    const mine = await waitForMessage(alice.page, 'Hi Bob, 私聊一下');
    expect(mine.mine).toBe(true);

    // Bob gets a conversation in # dms with a count, and opens it.
    await until('Alice in Bob’s direct messages with 1 unread', () => badge(bob.page, dmButton(aliceUser.user.id)), (b) => b.shown && b.count === 1);
    expect(await texts(bob.page)).not.toContain('Hi Bob, 私聊一下'); // not in the lobby
    // The message is already in his page (it came live); opening the conversation must still show it.
    await open(bob.page, dmButton(aliceUser.user.id), '@ Alice');
    await until('the message in the conversation Bob opened', () => texts(bob.page), (shown) => shown.includes('Hi Bob, 私聊一下'));
    await say(bob.page, 'Hi Alice, got it');
    await waitForMessage(alice.page, 'Hi Alice, got it');
    expect(await badge(bob.page, dmButton(aliceUser.user.id))).toMatchObject({ shown: false });

    // Carol, in the same lobby the whole time, got none of it.
    expect(await carolWs.quietFor(300, (m) => m.type === 'dm')).toEqual([]);
    expect(carolWs.received.some((m) => 'data' in m && typeof m.data === 'string' && /Hi (Bob|Alice)/.test(m.data))).toBe(false);
  });

  it('sends `@name message` typed in a room privately, to that person', async () => {
    await open(alice.page, roomButton('lobby'), '# lobby');
    const whisper = '@Bob 在大厅里悄悄说';
    await say(alice.page, whisper);
    // It goes to the DM conversation of both (Bob is looking at his), never to the room.
    await waitForMessage(bob.page, '在大厅里悄悄说');
    expect(await texts(alice.page)).not.toContain('在大厅里悄悄说');
    expect(await texts(alice.page)).not.toContain(whisper);
    await open(alice.page, dmButton(bobUser.user.id), '@ Bob');
    await waitForMessage(alice.page, '在大厅里悄悄说');
    await open(bob.page, roomButton('lobby'), '# lobby');
    expect(await texts(bob.page)).not.toContain('在大厅里悄悄说');
    expect(await carolWs.quietFor(200, (m) => (m.type === 'chat' || m.type === 'dm') && m.data.includes('悄悄'))).toEqual([]);
    await open(alice.page, roomButton('lobby'), '# lobby');
  });

  it('asks which one is meant when two people share the name, and only the chosen one gets it', async () => {
    const [dup1, dup2] = await Promise.all([signIn(server.url, 'Dup'), signIn(server.url, 'Dup')]);
    const [ws1, ws2] = await Promise.all([TestClient.ready(server.wsUrl, dup1.cookie), TestClient.ready(server.wsUrl, dup2.cookie)]);
    clients.push(ws1, ws2);
    // Both are online in Alice's lobby.
    await until(
      'both Dups in Alice’s people list',
      () => alice.page.locator('#users .user-link').evaluateAll((b) => b.map((x) => x.getAttribute('data-user-id'))),
      (ids) => ids.includes(dup1.user.id) && ids.includes(dup2.user.id),
    );
    await say(alice.page, '@Dup which one of you?');
    const chooser = alice.page.locator('#chooser');
    await chooser.waitFor({ state: 'visible' });
    expect(await chooser.locator('button').count()).toBe(2);
    // Each choice shows the person's own avatar, so they can be told apart.
    const second = chooser.locator(`button:has(img[src*="${dup2.user.id}"])`);
    expect(await second.count()).toBe(1);
    await second.click();
    expect(await chooser.isVisible()).toBe(false);

    const got = await ws2.next<DirectMessage>(isDm('which one of you?'));
    expect(got.user.id).toBe(aliceUser.user.id);
    expect(got.to.id).toBe(dup2.user.id);
    expect(await ws1.quietFor(300, (m) => m.type === 'dm')).toEqual([]);
    expect(await texts(alice.page)).not.toContain('which one of you?');
    await until('the chosen Dup in Alice’s # dms', () => alice.page.locator(dmButton(dup2.user.id)).count(), (n) => n === 1);
    expect(await alice.page.locator(dmButton(dup1.user.id)).count()).toBe(0);
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
    const bobElsewhere = await sameUserElsewhere(bob, server.url);
    people.push(bobElsewhere);
    await until('3 unread in # dev in the second browser', () => badge(bobElsewhere.page, roomButton('dev')), (b) => b.shown && b.count === 3);

    await open(page, roomButton('dev'), '# dev');
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
    await sleep(300);
    expect(await badge(bobElsewhere.page, roomButton('dev'))).toMatchObject({ shown: false });
    await until('Carol’s 2 still unread there', () => badge(bobElsewhere.page, dmButton(carol.user.id)), (b) => b.shown && b.count === 2);

    // The conversation too: its own line above its first unread message.
    await open(page, dmButton(carol.user.id), '@ Carol');
    await waitForMessage(page, 'psst Bob 2');
    const dmDivider = page.locator('#scroller ol.messages:not([hidden]) li.divider');
    await dmDivider.waitFor({ state: 'visible' });
    expect(await dmDivider.evaluate((el) => el.nextElementSibling?.querySelector('.text')?.textContent ?? null)).toBe('psst Bob 1');
    await until('Carol’s read in the second browser', () => badge(bobElsewhere.page, dmButton(carol.user.id)), (b) => !b.shown);

    // And in this browser after a reload: nothing unread any more.
    await reloadChat(page);
    await sleep(300);
    expect(await badge(page, roomButton('dev'))).toMatchObject({ shown: false });
    expect(await badge(page, dmButton(carol.user.id))).toMatchObject({ shown: false });
    expect(await titleCount(page)).toBe(await badgeTotal(page));
    await bobElsewhere.close();
  });

  it('counts what arrived in the open conversation as read, even when the person moves on at once', async () => {
    const { page } = bob;
    await inLobby(bob);
    await open(page, dmButton(carol.user.id), '@ Carol');
    // Two quick messages while Bob is looking at the conversation; he reads them and goes straight back.
    carolWs.send({ type: 'dm', to: bobUser.user.id, data: 'quick one' });
    carolWs.send({ type: 'dm', to: bobUser.user.id, data: 'quick two' });
    await waitForMessage(page, 'quick two');
    await open(page, roomButton('lobby'), '# lobby');
    expect(await badge(page, dmButton(carol.user.id))).toMatchObject({ shown: false });
    // The server was told: neither a reload nor another browser brings them back as unread.
    await reloadChat(page);
    await sleep(500);
    expect(await badge(page, dmButton(carol.user.id)), 'Carol’s DMs that Bob saw, after a reload').toMatchObject({ shown: false });
    expect(await titleCount(page)).toBe(await badgeTotal(page));
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

    await open(bob.page, roomButton('dev'), '# dev');
    const rows = await waitForMessage(bob.page, '@Bob can you review?');
    expect(rows.mention).toBe(true);
    expect(await badge(bob.page, roomButton('dev'))).toMatchObject({ shown: false });
    await open(bob.page, roomButton('lobby'), '# lobby');
  });

  it('notifies a DM or a mention while the tab is hidden once the person turns notifications on, and counts unread in the tab title', async () => {
    const erinUser = await signIn(server.url, 'Erin');
    const erin = await launchPerson();
    people.push(erin);
    // A first visit: the browser has not been asked yet, and says yes when the page asks.
    await fakeNotifications(erin.context, 'default');
    await openChat(erin, server.url, erinUser.cookie);

    const button = erin.page.locator('#notify');
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    await button.click();
    await until('notifications on', () => button.getAttribute('aria-pressed'), (v) => v === 'true');

    await setTabHidden(erin.page, true);
    carolWs.send({ type: 'dm', to: erinUser.user.id, data: 'A private word, Erin' });
    carolWs.send({ type: 'chat', data: 'Just chatting, nothing for anyone' });
    carolWs.send({ type: 'chat', data: '@Erin standup in 5' });

    await until('two notifications for Erin', () => notificationsMade(erin.page), (n) => n.length >= 2);
    await sleep(400);
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
    const frankUser = await signIn(server.url, 'Frank');
    const frank = await launchPerson();
    people.push(frank);
    // The browser already allows this site (granted some other time); Frank never pressed the button here.
    await fakeNotifications(frank.context, 'granted');
    await openChat(frank, server.url, frankUser.cookie);
    await setTabHidden(frank.page, true);
    carolWs.send({ type: 'dm', to: frankUser.user.id, data: 'A private word, Frank' });
    carolWs.send({ type: 'chat', data: '@Frank standup in 5' });
    await until('Frank’s tab title counts 2', () => frank.page.title(), (t) => t.startsWith('(2)'));
    await sleep(300);
    expect(await frank.page.locator('#notify').getAttribute('aria-pressed')).toBe('false');
    expect(await notificationsMade(frank.page)).toEqual([]);
    await frank.close();
  });

  it('keeps direct messages across a server restart', async () => {
    await inLobby(alice, bob);
    await alice.page.locator(`#users .user-link[data-user-id="${bobUser.user.id}"]`).click();
    await until('"@ Bob" on Alice’s page', () => conversationTitle(alice.page), (t) => t === '@ Bob');
    const before = 'Said before the restart, 重启之前';
    await say(alice.page, before);
    await waitForMessage(alice.page, before);

    const { port, dataDir } = server;
    for (const client of clients) await client.close().catch(() => undefined);
    await server.close();
    server = await startTestServer({ PORT: String(port), SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' }, dataDir);
    for (const person of [alice, bob]) await reloadChat(person.page);

    // Both still have the conversation in # dms, with what was said in it.
    await until('Bob in Alice’s # dms after the restart', () => alice.page.locator(dmButton(bobUser.user.id)).count(), (n) => n === 1);
    await open(alice.page, dmButton(bobUser.user.id), '@ Bob');
    await waitForMessage(alice.page, before);
    expect(await texts(alice.page)).toEqual(expect.arrayContaining(['Hi Bob, 私聊一下', '在大厅里悄悄说', before]));
    await until('Alice in Bob’s # dms after the restart', () => bob.page.locator(dmButton(aliceUser.user.id)).count(), (n) => n === 1);
    await open(bob.page, dmButton(aliceUser.user.id), '@ Alice');
    await waitForMessage(bob.page, before);
    expect(await texts(bob.page)).toEqual(expect.arrayContaining(['Hi Bob, 私聊一下', '在大厅里悄悄说', before]));
    expect([...alice.dialogs, ...bob.dialogs, ...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
  });
});
