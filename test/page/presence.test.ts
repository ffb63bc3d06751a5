// Presence on the page, in Chromium: head-counts that stay true for rooms I am not in and after I
// leave one (`?counts=live`), my other tabs following a room joined or left in one of them
// (`membership`), and comings and goings without the noise: no lines for a reload or a reconnect,
// a departure written only once the person has been away for a while (both languages).
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import { join, leave } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, directoryRoom, directoryRows, openRoom, reloadChat, roomButton, sidebarRoom, usePeople, usersShown } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const window: { __sockets: { close(): void }[] };

/** The count the directory shows for a room. */
async function directoryCount(page: Page, room: string): Promise<string | undefined> {
  return (await directoryRows(page)).find((row) => row.name === room)?.count;
}

/** Opens "Find a room" on every room (an empty box, Browse). */
async function browseRooms(page: Page): Promise<void> {
  await page.locator('#room-finder-input').fill('');
  await page.locator('#room-finder button[type="submit"]').click();
  await page.waitForSelector('#directory:not([hidden])');
}

/** The join and leave lines of the lobby on screen. */
function notices(page: Page): Promise<string[]> {
  return page.locator('#messages li.notice').allTextContents();
}

describeInChromium('presence on the page, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  it('keeps the directory\'s head-counts true as people come and go in rooms I am not in', async () => {
    const [alice, carol] = await chat.users('Alice', 'Carol');
    const room = await chat.createRoom(carol, 'busy');
    const page = (await people.openAs(alice)).page;
    const carolWs = await chat.connect(carol);
    await browseRooms(page);
    expect(await directoryCount(page, room)).toBe('0');

    await join(carolWs, room);
    await until('busy counted with Carol in it', () => directoryCount(page, room), (count) => count === '1');
    await leave(carolWs, room);
    await until('busy counted empty again', () => directoryCount(page, room), (count) => count === '0');
    // Alice never joined it: the count came to her all the same, and the room is not hers.
    expect(await sidebarRoom(page, room)).toBeUndefined();
  });

  it('has my other tabs follow a room joined or left in one, so that it counts me out when I leave', async () => {
    const [alice, carol] = await chat.users('Alice', 'Carol');
    const room = await chat.createRoom(carol, 'tabs');
    const carolWs = await chat.connect(carol);
    await join(carolWs, room);
    const person = await people.openAs(alice);
    const first = person.page;
    const second = await person.context.newPage();
    await second.goto(`${chat.server.url}/`);
    await second.waitForSelector('#status[data-state="online"]');

    // Joined in the first tab: the second lists it too, and is in it (Carol sees Alice once).
    await openRoom(first, room);
    await second.waitForSelector(roomButton(room));
    await until('the second tab in the room', async () => (await sidebarRoom(second, room))?.count, (count) => count === '2');
    expect(await usersShown(first)).toHaveLength(2);

    // Left in the first tab: gone from the second as well, and the room hears Alice go.
    await first.locator('#leave').click();
    await second.waitForSelector(roomButton(room), { state: 'detached' });
    await carolWs.next((m) => m.type === 'left' && m.room === room && m.user.id === alice.user.id, 5000);
    await browseRooms(first);
    await until('the room counted without Alice', () => directoryCount(first, room), (count) => count === '1');
    await first.locator(directoryRoom(room)).waitFor();
    await second.close();
  });

  it('does not bring back a room left on another device while this one was offline', async () => {
    const [alice, carol] = await chat.users('Alice', 'Carol');
    const room = await chat.createRoom(carol, 'away');
    const home = await people.openAs(alice);
    await openRoom(home.page, room);
    const laptop = await people.elsewhere(home);
    await laptop.page.waitForSelector(roomButton(room));
    await until('the laptop in the room', async () => (await sidebarRoom(laptop.page, room))?.count, (count) => count === '1');

    // The laptop loses its network; meanwhile Alice leaves the room at home.
    await laptop.context.setOffline(true);
    await laptop.page.evaluate(() => window.__sockets.forEach((socket) => socket.close()));
    await home.page.locator('#leave').click();
    await home.page.waitForSelector(roomButton(room), { state: 'detached' });
    expect(await laptop.page.locator('#status').getAttribute('data-state')).not.toBe('online');

    // Back online, the laptop re-enters its rooms: that one is no longer hers, and stays so everywhere.
    await laptop.context.setOffline(false);
    await laptop.page.waitForSelector('#status[data-state="online"]');
    await laptop.page.waitForSelector(roomButton(room), { state: 'detached' });
    await reloadChat(home.page);
    expect(await sidebarRoom(home.page, room)).toBeUndefined();
    expect(laptop.pageErrors).toEqual([]);
  });

  it('shows a room joined on another device while this one was offline, once it is back', async () => {
    const [alice, carol] = await chat.users('Alice', 'Carol');
    const room = await chat.createRoom(carol, 'meanwhile');
    const home = await people.openAs(alice);
    const laptop = await people.elsewhere(home);

    await laptop.context.setOffline(true);
    await laptop.page.evaluate(() => window.__sockets.forEach((socket) => socket.close()));
    await openRoom(home.page, room);
    expect(await sidebarRoom(laptop.page, room)).toBeUndefined();

    // Back online, the server tells the laptop which rooms are hers: the new one is listed and joined.
    await laptop.context.setOffline(false);
    await laptop.page.waitForSelector('#status[data-state="online"]');
    await laptop.page.waitForSelector(roomButton(room));
    await until('the laptop in the room too', async () => (await sidebarRoom(home.page, room))?.count, (count) => count === '1');
    expect(laptop.pageErrors).toEqual([]);
  });

  for (const lang of ['en', 'zh-CN'] as Lang[]) {
    it(`writes no lines for a reload or a reconnect, and "left" only once someone has been gone a while (${lang})`, async () => {
      const [alice, bob] = await chat.users('Alice', 'Bob');
      const watcher = await people.openAs(alice, { locale: lang === 'en' ? 'en-US' : lang });
      const page = watcher.page;
      const visitor = await people.openAs(bob);
      await until('Bob listed', () => usersShown(page), (ids) => ids.includes(bob.user.id));
      // Bob arriving after Alice is news.
      const arrival = [translate(lang, 'notice.joined', { name: 'Bob' })];
      expect(await notices(page)).toEqual(arrival);
      await page.clock.install();

      // Bob reloads: he goes and comes back in a moment. Alice's list follows; her lobby says nothing.
      await reloadChat(visitor.page);
      // Both pages lose their sockets at once (as in a server restart) and come back.
      await page.evaluate(() => window.__sockets.forEach((socket) => socket.close()));
      await visitor.page.evaluate(() => window.__sockets.forEach((socket) => socket.close()));
      await page.waitForSelector('#status[data-state="online"]');
      await visitor.page.waitForSelector('#status[data-state="online"]');
      await until('Bob listed again', () => usersShown(page), (ids) => ids.includes(bob.user.id));
      await page.clock.fastForward(60_000);
      expect(await notices(page)).toEqual(arrival);

      // Bob goes for good: gone from the list at once, written as gone only once the wait is over.
      await visitor.close();
      await until('Bob gone from the list', () => usersShown(page), (ids) => !ids.includes(bob.user.id));
      expect(await notices(page)).toEqual(arrival);
      await page.clock.fastForward(20_000);
      expect(await notices(page)).toEqual(arrival);
      await page.clock.fastForward(30_000);
      await until('the departure written', () => notices(page), (lines) => lines.length > 1);
      expect(await notices(page)).toEqual([...arrival, translate(lang, 'notice.left', { name: 'Bob' })]);
    });
  }
});
