// The chat page in Chromium, on a site with many rooms: finding one by name in the directory ("Find
// a room"), a page at a time, and joining it; deleting and archiving a room I made, after a
// confirmation, which closes it on every member's page with a word why; and the creation limit's
// message in the new-room form, in the reader's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { settlePage, type Person } from '../helpers/browser.js';
import { join, say as sayOnSocket } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  conversationTitle,
  describeInChromium,
  directoryRoom,
  directoryRows,
  openRoom,
  sidebarRoom,
  usePeople,
  waitForMessage,
} from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const topics = Array.from({ length: 25 }, (_, i) => `topic-${String(i).padStart(2, '0')}`);

describeInChromium('finding and ending rooms, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let alice: Person;
  let bob: Person;
  let carol: SignedIn;
  let carolWs: TestClient;

  /** The room that ended is off the person's screen and sidebar, and the page said why. */
  async function expectClosed(person: Person, room: string, why: string): Promise<void> {
    await until('back in # lobby', () => conversationTitle(person.page), (title) => title === '# lobby');
    await until('the word why', async () => ((await person.page.locator('#flash').textContent()) ?? '').trim(), (text) => text === why);
    expect(await sidebarRoom(person.page, room)).toBeUndefined();
  }

  beforeAll(async () => {
    ({ alice, bob, carol, carolWs } = await people.aliceBobCarol({ rooms: topics, carolIn: ['topic-22'] }));
  });

  it('finds a room among many by name, a page at a time, with how many are in each, and joins it', async () => {
    const { page } = alice;
    await page.locator('#room-finder-input').fill('TOPIC');
    const first = await until('a page of topics', () => directoryRows(page), (rows) => rows.length === 20);
    expect(first.map((row) => row.name)).toEqual(topics.slice(0, 20));
    await page.locator('#directory-more').click();
    const all = await until('the next page too', () => directoryRows(page), (rows) => rows.length === 25);
    expect(all.map((row) => row.name)).toEqual(topics);
    expect(await page.locator('#directory-more').isVisible()).toBe(false);
    expect(all[22]).toEqual({ name: 'topic-22', label: '# topic-22', count: '1', action: 'Join' });

    await page.locator(directoryRoom('topic-22')).click();
    await until('Alice in # topic-22', () => conversationTitle(page), (title) => title === '# topic-22');
    expect(await sidebarRoom(page, 'topic-22')).toMatchObject({ joined: true, current: true });
    await until('Alice and Carol in # topic-22', () => sidebarRoom(page, 'topic-22'), (room) => room?.count === '2');
    expect(await page.locator('#directory').isVisible()).toBe(false);
    expect(await page.locator('#room-finder-input').inputValue()).toBe('');
    await sayOnSocket(carolWs, 'Welcome to topic 22', 'topic-22');
    await waitForMessage(page, 'Welcome to topic 22');

    // Found again, it is one of hers now; a name nothing has says so.
    await page.locator('#room-finder-input').fill('pic-2');
    const mine = await until('the topics 20 to 24', () => directoryRows(page), (rows) => rows.length === 5);
    expect(mine.find((row) => row.name === 'topic-22')?.action).toBe('Open');
    await page.locator('#room-finder-input').fill('nothing-like-it');
    await until('no rooms', () => directoryRows(page), (rows) => rows.length === 0);
    await page.locator('#directory-note').waitFor({ state: 'visible' });
    expect(((await page.locator('#directory-note').textContent()) ?? '').trim()).toBe(translate('en', 'rooms.noneFound'));
    await page.locator('#room-finder-input').fill('');
    expect([...alice.dialogs, ...alice.pageErrors]).toEqual([]);
  });

  it('deletes a room I made after a confirmation: it leaves every member’s page, with a word why', async () => {
    await openRoom(alice.page, 'lobby');
    await alice.page.locator('#new-room-name').fill('doomed');
    await alice.page.locator('#new-room-name').press('Enter');
    await until('Alice in # doomed', () => conversationTitle(alice.page), (title) => title === '# doomed');
    await openRoom(bob.page, 'doomed');
    await join(carolWs, 'doomed');
    // Only the one who made it is offered the buttons (the server checks again).
    expect(await alice.page.locator('#delete-room').isVisible()).toBe(true);
    expect(await alice.page.locator('#archive-room').isVisible()).toBe(true);
    expect(await bob.page.locator('#delete-room').isVisible()).toBe(false);
    expect(await bob.page.locator('#archive-room').isVisible()).toBe(false);

    // Asked first; Cancel leaves everything as it was.
    await alice.page.locator('#delete-room').click();
    expect(((await alice.page.locator('#room-confirm-text').textContent()) ?? '').trim()).toBe(translate('en', 'rooms.confirmDelete', { room: 'doomed' }));
    expect(await alice.page.evaluate(() => document.activeElement?.id)).toBe('room-confirm-no');
    await alice.page.locator('#room-confirm-no').click();
    expect(await alice.page.locator('#room-confirm').isVisible()).toBe(false);
    await Promise.all([settlePage(alice.page), settlePage(bob.page)]);
    expect(await conversationTitle(bob.page)).toBe('# doomed');

    carolWs.drain();
    await alice.page.locator('#delete-room').click();
    await alice.page.locator('#room-confirm-yes').click();
    for (const person of [alice, bob]) await expectClosed(person, 'doomed', translate('en', 'rooms.wasDeleted', { room: 'doomed' }));
    expect(await alice.page.locator('#room-confirm').isVisible()).toBe(false);
    // A protocol client in the room hears its own `left`, then the contract's list without it.
    expect(await carolWs.next((m) => m.type === 'left')).toMatchObject({ room: 'doomed', user: { id: carol.user.id } });
    const rooms = await carolWs.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms');
    expect(rooms.data).not.toContain('doomed');
    // Not to be found any more.
    await bob.page.locator('#room-finder-input').fill('doomed');
    await bob.page.locator('#directory-note').waitFor({ state: 'visible' });
    expect(await directoryRows(bob.page)).toEqual([]);
    await bob.page.locator('#room-finder-input').fill('');
    expect([...alice.dialogs, ...alice.pageErrors, ...bob.dialogs, ...bob.pageErrors]).toEqual([]);
  });

  it('archives a room I made: it closes on members’ pages, and its messages are still found by search', async () => {
    await alice.page.locator('#new-room-name').fill('finished');
    await alice.page.locator('#new-room-name').press('Enter');
    await until('Alice in # finished', () => conversationTitle(alice.page), (title) => title === '# finished');
    await openRoom(bob.page, 'finished');
    await join(carolWs, 'finished');
    await sayOnSocket(carolWs, 'The final report is done', 'finished');
    await waitForMessage(bob.page, 'The final report is done');

    await alice.page.locator('#archive-room').click();
    expect(((await alice.page.locator('#room-confirm-text').textContent()) ?? '').trim()).toBe(translate('en', 'rooms.confirmArchive', { room: 'finished' }));
    await alice.page.locator('#room-confirm-yes').click();
    for (const person of [alice, bob]) await expectClosed(person, 'finished', translate('en', 'rooms.wasArchived', { room: 'finished' }));
    await bob.page.locator('#search-input').fill('final report');
    await bob.page.locator('#search-input').press('Enter');
    await until(
      'the archived room’s message among the results',
      () => bob.page.locator('#results-list .result .text').allTextContents(),
      (texts) => texts.includes('The final report is done'),
    );
    await bob.page.locator('#results-close').click();
  });
});

describeInChromium('the room creation limit on the page, in Chromium', () => {
  const chat = useServer({ ROOM_RATE_LIMIT: '2' });
  const people = usePeople(chat);

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`shows why a third room in an hour is refused, in the new-room form (${lang})`, async () => {
      const person = await people.openAs(await chat.signIn(lang === 'en' ? 'Dan' : '李雷'), { locale: lang });
      const { page } = person;
      const field = page.locator('#new-room-name');
      for (const name of [`first-${lang}`, `second-${lang}`]) {
        await field.fill(name);
        await field.press('Enter');
        await until(`# ${name} on screen`, () => conversationTitle(page), (title) => title === `# ${name}`);
      }
      await field.fill(`third-${lang}`);
      await field.press('Enter');
      const error = page.locator('#new-room-error');
      await error.waitFor({ state: 'visible' });
      expect(((await error.textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.tooManyByYou', { minutes: 60 }));
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await conversationTitle(page)).toBe(`# second-${lang}`);
      expect(await sidebarRoom(page, `third-${lang}`)).toBeUndefined();
    });
  }
});
