// The page suites' one set-up (test/page/) and what they read off the chat page. A suite starts
//
//   describeInChromium('…', () => {
//     const chat = useServer({ RATE_LIMIT: '0' }); // test/helpers/fixture.ts
//     const people = usePeople(chat);
//
// and has the real server, Chromium people and ws clients that last the whole file (closed after
// its last test), Alice and Bob at their browsers with Carol on a ws client when it asks, and the
// readings below: the conversation on screen, the sidebar, badges, notifications.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe } from 'vitest';
import { chromiumAvailable, cookiesFor, launchPerson, type Person, type PersonOptions } from './browser.js';
import { join } from './chat.js';
import { TestClient } from './client.js';
import type { ServerFixture } from './fixture.js';
import type { SignedIn } from './server.js';
import { until } from './wait.js';

/** In-page globals, for the callbacks below that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A suite that runs in Chromium. Without /usr/bin/chromium it is skipped with a printed reason on
 * a newcomer's machine, and fails the file under CI=true (`chromiumAvailable`).
 */
export function describeInChromium(title: string, body: () => void): void {
  describe.skipIf(!chromiumAvailable())(title, body);
}

/** Alice and Bob at their browsers, Carol on a ws client: the people most page suites start with. */
export interface Cast {
  alice: Person;
  bob: Person;
  aliceUser: SignedIn;
  bobUser: SignedIn;
  carol: SignedIn;
  carolWs: TestClient;
}

export interface People {
  /** A Chromium with a profile of its own, closed after the file's last test. */
  launch(options?: PersonOptions): Promise<Person>;
  /** A Chromium signed in as `who`, on the chat page and online. */
  openAs(who: SignedIn, options?: PersonOptions): Promise<Person>;
  /** Another browser (own profile) signed in as the same user as `person`: their cookies copied over. */
  elsewhere(person: Person, options?: PersonOptions): Promise<Person>;
  /**
   * A ws client (greeted, in `rooms` too) that stays for the whole file: the other side of the
   * conversation, whose rooms and presence the pages count on. Sockets for one test only are the
   * fixture's `connect`.
   */
  client(who: SignedIn, rooms?: readonly string[]): Promise<TestClient>;
  /** Signs in Alice, Bob and Carol; Carol makes `rooms` and is in `carolIn` on her ws client; Alice's and Bob's pages open. */
  aliceBobCarol(options?: { rooms?: readonly string[]; carolIn?: readonly string[] }): Promise<Cast>;
}

/** The browsers and file-long clients of a page suite, on the server of `chat`. Call it once, in the suite. */
export function usePeople(chat: ServerFixture): People {
  const persons: Person[] = [];
  const clients: TestClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(persons.splice(0).map((person) => person.close()));
  });

  const people: People = {
    async launch(options) {
      const person = await launchPerson(options);
      persons.push(person);
      return person;
    },
    async openAs(who, options) {
      const person = await people.launch(options);
      await openChat(person, chat.server.url, who.cookie);
      return person;
    },
    async elsewhere(person, options) {
      const url = chat.server.url;
      const other = await people.launch(options);
      await other.context.addCookies((await person.context.cookies(url)).map(({ name, value }) => ({ name, value, url })));
      await other.page.goto(`${url}/`);
      await other.page.waitForSelector('#status[data-state="online"]');
      return other;
    },
    async client(who, rooms = []) {
      const client = await TestClient.ready(chat.server.wsUrl, who.cookie);
      clients.push(client);
      for (const room of rooms) await join(client, room);
      return client;
    },
    async aliceBobCarol({ rooms = [], carolIn = [] } = {}) {
      const [aliceUser, bobUser, carol] = await Promise.all([chat.signIn('Alice'), chat.signIn('Bob'), chat.signIn('Carol')]);
      for (const room of rooms) await chat.createRoom(carol, room);
      const carolWs = await people.client(carol, carolIn);
      const [alice, bob] = await Promise.all([people.openAs(aliceUser), people.openAs(bobUser)]);
      return { alice, bob, aliceUser, bobUser, carol, carolWs };
    },
  };
  return people;
}

/** Gives the person the signed-in cookies of `cookieHeader`, opens the chat page and waits until it is online. */
export async function openChat(person: Person, url: string, cookieHeader: string, pathAndHash = '/'): Promise<void> {
  await person.context.addCookies(cookiesFor(url, cookieHeader));
  await person.page.goto(`${url}${pathAndHash}`);
  await person.page.waitForSelector('#status[data-state="online"]');
}

/** Reloads the page and waits until it is online again. */
export async function reloadChat(page: Page): Promise<void> {
  await page.reload();
  await page.waitForSelector('#status[data-state="online"]');
}

// --- the conversation on screen ---------------------------------------------------------------------

/** What a person sees of one message row. */
export interface MessageRow {
  id: string | null;
  userId: string | null;
  author: string;
  text: string;
  mine: boolean;
  mention: boolean;
  pending: boolean;
  highlight: boolean;
}

/** The message rows of the conversation on screen (the one visible `ol.messages`). */
export function visibleMessages(page: Page): Promise<MessageRow[]> {
  return page.locator('#scroller ol.messages:not([hidden]) li.message').evaluateAll((items) =>
    items.map((li) => ({
      id: li.getAttribute('data-id'),
      userId: li.getAttribute('data-user-id'),
      author: li.querySelector('.author')?.textContent ?? '',
      text: li.querySelector('.text')?.textContent ?? '',
      mine: li.classList.contains('mine'),
      mention: li.classList.contains('mention'),
      pending: li.classList.contains('pending'),
      highlight: li.classList.contains('highlight'),
    })),
  );
}

/** The texts of the conversation on screen. */
export async function texts(page: Page): Promise<string[]> {
  return (await visibleMessages(page)).map((row) => row.text);
}

/** The rows on screen showing `text`. */
export async function copiesOf(page: Page, text: string): Promise<MessageRow[]> {
  return (await visibleMessages(page)).filter((row) => row.text === text);
}

/** Waits until the conversation on screen shows `text` as a message confirmed by the server. */
export function waitForMessage(page: Page, text: string, timeoutMs = 10_000): Promise<MessageRow> {
  return until(
    `the message "${text}" on screen`,
    () => visibleMessages(page),
    (rows) => rows.some((row) => row.text === text && row.id !== null && !row.pending),
    timeoutMs,
  ).then((rows) => rows.find((row) => row.text === text) as MessageRow);
}

/** The title of the conversation on screen (`# room` or `@ name`), trimmed. */
export async function conversationTitle(page: Page): Promise<string> {
  return ((await page.locator('#title').textContent()) ?? '').trim();
}

/** Types into the composer and sends with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

// --- the sidebar ---------------------------------------------------------------------------------

export const roomButton = (room: string) => `#rooms .room-link[data-room="${room}"]`;
export const dmButton = (userId: string) => `#dms .dm-link[data-user-id="${userId}"]`;
export const userButton = (userId: string) => `#users .user-link[data-user-id="${userId}"]`;

/** Opens a conversation from the sidebar (a button of the selectors above) and waits for its title. */
export async function openConversation(page: Page, selector: string, title: string): Promise<void> {
  await page.locator(selector).click();
  await until(`"${title}" on screen`, () => conversationTitle(page), (shown) => shown === title);
}

/**
 * Opens a room as a person would: its sidebar button when it is one of theirs, else found by name
 * in the room directory ("Find a room") and joined from there.
 */
export async function openRoom(page: Page, room: string): Promise<void> {
  if ((await page.locator(roomButton(room)).count()) > 0) return openConversation(page, roomButton(room), `# ${room}`);
  await page.locator('#room-finder-input').fill(room);
  await openConversation(page, directoryRoom(room), `# ${room}`);
}

/** A room's row in the directory's results. */
export const directoryRoom = (room: string) => `#directory-list .directory-room[data-room="${room}"]`;

/** What the directory shows of one room: its name, people count, and whether it says Join or Open. */
export interface DirectoryRow {
  name: string | null;
  label: string;
  count: string;
  action: string;
}

export function directoryRows(page: Page): Promise<DirectoryRow[]> {
  return page.locator('#directory-list .directory-room').evaluateAll((buttons) =>
    buttons.map((b) => ({
      name: b.getAttribute('data-room'),
      label: (b.querySelector('.room-name')?.textContent ?? '').trim(),
      count: (b.querySelector('.count')?.textContent ?? '').trim(),
      action: (b.querySelector('.directory-action')?.textContent ?? '').trim(),
    })),
  );
}

/** Puts each person back in the lobby (a test before may have left them elsewhere, or failed there). */
export async function inLobby(...persons: Person[]): Promise<void> {
  for (const person of persons) {
    if ((await conversationTitle(person.page)) !== '# lobby') await openRoom(person.page, 'lobby');
  }
}

/** What the sidebar shows of one room. */
export interface RoomRow {
  name: string | null;
  label: string;
  count: string;
  joined: boolean;
  current: boolean;
}

export function sidebarRooms(page: Page): Promise<RoomRow[]> {
  return page.locator('#rooms .room-link').evaluateAll((buttons) =>
    buttons.map((b) => ({
      name: b.getAttribute('data-room'),
      label: (b.querySelector('.room-name')?.textContent ?? '').trim(),
      count: (b.querySelector('.count')?.textContent ?? '').trim(),
      joined: b.classList.contains('joined'),
      current: b.getAttribute('aria-current') === 'true',
    })),
  );
}

export async function sidebarRoom(page: Page, name: string): Promise<RoomRow | undefined> {
  return (await sidebarRooms(page)).find((room) => room.name === name);
}

/** The ids of the people listed in `#users` (the people in the conversation on screen). */
export function usersShown(page: Page): Promise<string[]> {
  return page.locator('#users .user-link').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-user-id') ?? ''));
}

/** An unread badge as a person sees it: shown or not, its number, whether it is marked as a mention. */
export interface Badge {
  shown: boolean;
  count: number;
  mention: boolean;
}

/** The `.unread` badge inside the sidebar button matched by `buttonSelector` (absent button: not shown). */
export async function badge(page: Page, buttonSelector: string): Promise<Badge> {
  const found = page.locator(`${buttonSelector} .unread`);
  if ((await found.count()) === 0) return { shown: false, count: 0, mention: false };
  return found.first().evaluate((el) => ({
    shown: !el.hidden && el.offsetParent !== null,
    count: Number(el.textContent ?? 0) || 0,
    mention: el.classList.contains('has-mention'),
  }));
}

// --- notifications and the tab -----------------------------------------------------------------------

/**
 * Replaces `window.Notification` in every page of the context, before any script of the page
 * runs: constructed notifications are recorded in `window.__notifications`, and the permission is
 * `permission` until the page asks, after which it is `granted`.
 */
export async function fakeNotifications(context: BrowserContext, permission: 'granted' | 'default' = 'granted'): Promise<void> {
  await context.addInitScript((initial: string) => {
    const w = globalThis as unknown as Record<string, unknown>;
    const made: { title: string; body: string; tag: string }[] = [];
    w.__notifications = made;
    let current = initial;
    class FakeNotification extends EventTarget {
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        super();
        made.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
      }
      static get permission() {
        return current;
      }
      static requestPermission() {
        current = 'granted';
        return Promise.resolve(current);
      }
      close() {}
    }
    w.Notification = FakeNotification;
  }, permission);
}

/** The notifications the page has made so far (with `fakeNotifications`). */
export function notificationsMade(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(() => [...((globalThis as unknown as { __notifications?: { title: string; body: string; tag: string }[] }).__notifications ?? [])]);
}

/** Makes the page believe its tab is hidden (or visible again), as when the person switches tabs. */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value: boolean) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
