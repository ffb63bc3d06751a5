// The chat page in Chromium: rooms in the sidebar. My rooms with their head counts (the others in
// the directory), making a room (and the errors for a taken or bad name), a room someone else makes
// leaving the sidebar alone, joining from the directory and leaving with the button (kept by the
// server), and each room's own draft and scroll position. Finding rooms among many, the creation
// limit and ending a room are in room-finder.test.ts; the page's looks and access in access.test.ts.
import { beforeAll, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { settlePage, type Person } from '../helpers/browser.js';
import { join } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  conversationTitle,
  describeInChromium,
  directoryRows,
  openRoom,
  reloadChat,
  roomButton,
  say,
  sidebarRoom,
  sidebarRooms,
  usePeople,
  usersShown,
  visibleMessages,
  waitForMessage,
} from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

describeInChromium('rooms in the sidebar, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let alice: Person;
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  let carol: SignedIn;
  let carolWs: TestClient;

  beforeAll(async () => {
    ({ alice, bob, aliceUser, bobUser, carol, carolWs } = await people.aliceBobCarol({ rooms: ['dev', '随便聊聊'], carolIn: ['dev'] }));
  });

  it('lists my rooms in the sidebar with how many people are in each; the others are in the directory', async () => {
    const { page } = alice;
    const rooms = await until(
      'the lobby count to include Alice, Bob and Carol',
      () => sidebarRooms(page),
      (all) => all.find((r) => r.name === 'lobby')?.count === '3',
    );
    // Alice is in no room but the lobby yet: the rooms Carol made are not hers.
    expect(rooms).toEqual([{ name: 'lobby', label: '# lobby', count: '3', joined: true, current: true }]);
    expect(await conversationTitle(page)).toBe('# lobby');

    // Browsing the directory (an empty box): every room, by name, with how many are in each now.
    await page.locator('#room-finder button[type="submit"]').click();
    const found = await until('the directory', () => directoryRows(page), (rows) => rows.length >= 3);
    expect(found).toEqual([
      { name: 'dev', label: '# dev', count: '1', action: 'Join' },
      { name: 'lobby', label: '# lobby', count: '3', action: 'Open' },
      { name: '随便聊聊', label: '# 随便聊聊', count: '0', action: 'Join' },
    ]);
    // The same as the server says.
    const listed = (await (await fetch(`${chat.server.url}/rooms`, { headers: { cookie: aliceUser.cookie } })).json()) as { name: string }[];
    expect(listed.map((r) => r.name).sort()).toEqual(found.map((r) => r.name).sort());
    await page.locator('#room-finder-input').press('Escape');
    expect(await page.locator('#directory').isVisible()).toBe(false);
  });

  it('creates a room from the page: it opens with the person in it; the others find it in the directory', async () => {
    const { page } = alice;
    await page.locator('#new-room-name').fill('plans');
    await page.locator('#new-room-name').press('Enter');

    await until('Alice to be in # plans', () => conversationTitle(page), (title) => title === '# plans');
    await until('# plans in Alice’s sidebar, joined and current', () => sidebarRoom(page, 'plans'), (room) => room?.joined === true && room.current);
    await until('Alice in the people of # plans', () => usersShown(page), (ids) => ids.includes(aliceUser.user.id));
    await until('# plans to count 1 person', () => sidebarRoom(page, 'plans'), (room) => room?.count === '1');
    expect(await page.locator('#leave').isVisible()).toBe(true);
    expect(await page.locator('#new-room-name').inputValue()).toBe('');
    expect(await page.locator('#new-room-error').isVisible()).toBe(false);
    expect(await page.locator('#input').getAttribute('placeholder')).toContain('plans');

    // Bob did nothing: his sidebar is his rooms, as it was, and he stays where he was; the
    // directory finds the new room for him, with Alice in it.
    await settlePage(bob.page);
    expect(await sidebarRoom(bob.page, 'plans')).toBeUndefined();
    expect(await conversationTitle(bob.page)).toBe('# lobby');
    await bob.page.locator('#room-finder-input').fill('pla');
    const rows = await until('# plans in Bob’s directory', () => directoryRows(bob.page), (found) => found.some((r) => r.name === 'plans'));
    expect(rows.find((r) => r.name === 'plans')).toEqual({ name: 'plans', label: '# plans', count: '1', action: 'Join' });
    await bob.page.locator('#room-finder-input').fill('');
    expect(await bob.page.locator('#directory').isVisible()).toBe(false);
  });

  it('reports a taken or a bad room name in place, and nothing else changes', async () => {
    const { page } = alice;
    const before = await sidebarRooms(page);
    const bobBefore = await sidebarRooms(bob.page);
    const field = page.locator('#new-room-name');
    const error = page.locator('#new-room-error');

    // Taken (names are unique whatever their case: 409).
    await field.fill('Plans');
    await field.press('Enter');
    await error.waitFor({ state: 'visible' });
    const taken = ((await error.textContent()) ?? '').trim();
    expect(taken).not.toBe('');
    expect(await field.getAttribute('aria-invalid')).toBe('true');

    // Bad: a space and punctuation (400); a different message.
    await field.fill('no spaces!');
    await field.press('Enter');
    await until('the bad-name message', async () => ((await error.textContent()) ?? '').trim(), (text) => text !== '' && text !== taken);
    expect(await error.isVisible()).toBe(true);

    // Both refusals are answered: a room made by either would have reached both pages before their pings.
    await Promise.all([settlePage(page), settlePage(bob.page)]);
    expect(await conversationTitle(page)).toBe('# plans');
    expect(await sidebarRooms(page)).toEqual(before);
    expect(await sidebarRooms(bob.page)).toEqual(bobBefore);
    expect(await conversationTitle(bob.page)).toBe('# lobby');
    expect(alice.dialogs).toEqual([]);
  });

  it('keeps the sidebar as it is when someone else creates a room, without asking the server for the room list', async () => {
    const pages = [alice.page, bob.page];
    const requests: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    for (const page of pages) page.on('request', onRequest);
    try {
      const before = await Promise.all(pages.map((page) => sidebarRooms(page)));
      // Marks the buttons shown now, to see afterwards that they were kept, not rebuilt.
      for (const page of pages) await page.locator('#rooms .room-link').evaluateAll((buttons) => buttons.forEach((b) => (b.keptFromBefore = true)));
      await chat.createRoom(carol, 'retro');

      // The `room` change reached each page before the answer to its ping, and changed nothing there.
      for (const [i, page] of pages.entries()) {
        await settlePage(page);
        expect(await sidebarRooms(page)).toEqual(before[i]);
        const kept = await page.locator('#rooms .room-link').evaluateAll((buttons) => buttons.map((b) => b.keptFromBefore === true));
        expect(kept).toEqual(before[i]!.map(() => true));
      }
      expect(requests.filter((request) => request === 'GET /rooms')).toEqual([]);
      expect(await conversationTitle(alice.page)).toBe('# plans');
      expect(await conversationTitle(bob.page)).toBe('# lobby');
    } finally {
      for (const page of pages) page.off('request', onRequest);
    }
  });

  it('joins a room from the directory, leaves it with the Leave button, and remembers who is in which room', async () => {
    const { page } = bob;
    // Not his: found by name in the directory, and joined with a click there.
    expect(await sidebarRoom(page, 'plans')).toBeUndefined();
    await openRoom(page, 'plans');
    expect(await page.locator('#directory').isVisible()).toBe(false);
    expect(await sidebarRoom(page, 'plans')).toMatchObject({ joined: true, current: true });
    // Alice, who is in the room, sees him come in.
    await until('Bob in the people of Alice’s # plans', () => usersShown(alice.page), (ids) => ids.includes(bobUser.user.id));
    await until('Alice’s # plans to count 2', () => sidebarRoom(alice.page, 'plans'), (room) => room?.count === '2');

    await say(alice.page, 'Welcome to plans, Bob');
    await waitForMessage(page, 'Welcome to plans, Bob');

    await page.locator('#leave').click();
    await until('Bob back in # lobby', () => conversationTitle(page), (title) => title === '# lobby');
    // No longer his: gone from his sidebar (the directory finds it again).
    expect(await sidebarRoom(page, 'plans')).toBeUndefined();
    expect(await page.locator('#leave').isVisible()).toBe(false);
    await until('Bob gone from Alice’s # plans', () => usersShown(alice.page), (ids) => !ids.includes(bobUser.user.id));

    // What is said there now no longer reaches him: on Alice's screen it is sent, and had the
    // server sent it to Bob too, his page would have it before the answer to its ping.
    await say(alice.page, 'Said after Bob left');
    await waitForMessage(alice.page, 'Said after Bob left');
    await settlePage(page);
    expect(await page.locator('li.message', { hasText: 'Said after Bob left' }).count()).toBe(0);
    expect(await page.locator(roomButton('plans')).count()).toBe(0);

    // Kept by the server: after a reload Alice is still in # plans and Bob still is not.
    await reloadChat(alice.page);
    await reloadChat(page);
    expect(await sidebarRoom(alice.page, 'plans')).toMatchObject({ joined: true });
    expect(await sidebarRoom(page, 'plans')).toBeUndefined();
    await alice.page.locator(roomButton('plans')).click();
    await waitForMessage(alice.page, 'Said after Bob left');
    expect((await visibleMessages(alice.page)).map((m) => m.text)).toContain('Welcome to plans, Bob');
    await openRoom(alice.page, 'lobby');
  });

  it('keeps each room’s own draft and scroll position when switching between rooms', async () => {
    const { page } = alice;
    // Carol in # plans too, to see a draft that went out there.
    await join(carolWs, 'plans');
    const filler = (i: number) => `filler ${i}: ${Array.from({ length: (i % 4) + 1 }, () => 'lorem ipsum').join(' ')}`;
    for (let i = 1; i <= 40; i++) carolWs.send({ type: 'chat', data: filler(i) });
    await waitForMessage(page, filler(40));

    const scroller = page.locator('#scroller');
    const metrics = () => scroller.evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));
    const start = await metrics();
    expect(start.height - start.client).toBeGreaterThan(600); // enough to scroll
    await scroller.evaluate((el) => (el.scrollTop = 300));
    const scrolled = (await metrics()).top;
    expect(Math.abs(scrolled - 300)).toBeLessThanOrEqual(2);

    const lobbyDraft = 'Half a thought for the lobby, 草稿';
    await page.locator('#input').fill(lobbyDraft);

    await openRoom(page, 'plans');
    expect(await page.locator('#input').inputValue()).toBe('');
    const plansDraft = 'And another for plans';
    await page.locator('#input').fill(plansDraft);

    await openRoom(page, 'lobby');
    expect(await page.locator('#input').inputValue()).toBe(lobbyDraft);
    expect(Math.abs((await metrics()).top - scrolled)).toBeLessThanOrEqual(2);

    await openRoom(page, 'plans');
    expect(await page.locator('#input').inputValue()).toBe(plansDraft);

    // Drafts are the person's own: nothing was sent. Anything the page sent went out before its
    // ping, and the server passed it on to Carol (in both rooms) before answering hers.
    await settlePage(page);
    await carolWs.settle();
    const sent = (m: ServerMessage) => m.type === 'chat' && (m.data === lobbyDraft || m.data === plansDraft);
    expect(carolWs.pending(sent)).toEqual([]);
    await page.locator('#input').fill('');
    await openRoom(page, 'lobby');
    await page.locator('#input').fill('');
  });
});
