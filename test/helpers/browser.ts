import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { sleep, until } from './wait.js';

/** Debian's Chromium (package `chromium`). Playwright's own browser downloads cannot work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a closed network, run as root: without the background-networking
 * ones Chromium keeps trying to reach Google's hosts and gets refused.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests can run. A missing Chromium skips them with a warning on a
 * newcomer's machine, but in CI (`CI=true`) it is an error: CI must never pass by skipping.
 */
export function chromiumAvailable(executablePath = CHROMIUM_PATH, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    fs.accessSync(executablePath, fs.constants.X_OK);
    return true;
  } catch {
    const reason = `no Chromium at ${executablePath} (Debian: apt-get install chromium)`;
    if (env.CI === 'true') throw new Error(`CI=true and ${reason}: the browser tests must run in CI, not be skipped`);
    console.warn(`Skipping the browser tests: ${reason}`);
    return false;
  }
}

export interface PersonOptions {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  /** Default timeout of every Playwright action and wait, in ms. */
  timeoutMs?: number;
  /** The browser's locale, and so its `Accept-Language`; `en-US` unless given. */
  locale?: string;
}

/** One person at their own browser: a Chromium with its own fresh profile, so its own cookies. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Every dialog (alert, confirm, prompt) any page of this person opened, as `type: message`. */
  dialogs: string[];
  /** Uncaught exceptions in the person's pages. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts a Chromium with a new empty user data dir (removed again on close). Two people are two
 * calls: two processes, two profiles, nothing shared.
 */
export async function launchPerson(options: PersonOptions = {}): Promise<Person> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      colorScheme: 'light',
      locale: options.locale ?? 'en-US',
    });
  } catch (error) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(options.timeoutMs ?? 10_000);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  // A listener means Playwright no longer dismisses dialogs by itself: record, then dismiss.
  context.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  const watch = (page: Page) => page.on('pageerror', (error) => pageErrors.push(String(error)));
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    dialogs,
    pageErrors,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The `Cookie` header of `signIn()` as cookies for a browser context on `url`. */
export function cookiesFor(url: string, cookieHeader: string): { name: string; value: string; url: string }[] {
  return cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url };
    });
}

// --- helpers for the page tests (test/page/) ------------------------------------------------

/** In-page globals, for the callbacks below that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export { sleep, until };

/** Gives the person the signed-in cookies of `cookieHeader`, opens the chat page and waits until it is online. */
export async function openChat(person: Person, url: string, cookieHeader: string, pathAndHash = '/'): Promise<void> {
  await person.context.addCookies(cookiesFor(url, cookieHeader));
  await person.page.goto(`${url}${pathAndHash}`);
  await person.page.waitForSelector('#status[data-state="online"]');
}

/** A new browser (own profile) signed in as the same user as `person`: their cookies copied over. */
export async function sameUserElsewhere(person: Person, url: string, options: PersonOptions = {}): Promise<Person> {
  const other = await launchPerson(options);
  await other.context.addCookies((await person.context.cookies(url)).map(({ name, value }) => ({ name, value, url })));
  await other.page.goto(`${url}/`);
  await other.page.waitForSelector('#status[data-state="online"]');
  return other;
}

/** Reloads the page and waits until it is online again. */
export async function reloadChat(page: Page): Promise<void> {
  await page.reload();
  await page.waitForSelector('#status[data-state="online"]');
}

/** `POST /rooms` as the user of `cookieHeader`; the HTTP status. */
export async function createRoomAs(url: string, cookieHeader: string, name: string): Promise<number> {
  const response = await fetch(`${url}/rooms`, {
    method: 'POST',
    headers: { cookie: cookieHeader, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name }),
  });
  await response.arrayBuffer();
  return response.status;
}

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

/** Waits until the conversation on screen shows `text` as a message confirmed by the server. */
export function waitForMessage(page: Page, text: string, timeoutMs = 10_000): Promise<MessageRow> {
  return until(
    `the message "${text}" on screen`,
    () => visibleMessages(page),
    (rows) => rows.some((row) => row.text === text && row.id !== null && !row.pending),
    timeoutMs,
  ).then((rows) => rows.find((row) => row.text === text) as MessageRow);
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

export const roomButton = (room: string) => `#rooms .room-link[data-room="${room}"]`;
export const dmButton = (userId: string) => `#dms .dm-link[data-user-id="${userId}"]`;

/** The title of the conversation on screen (`# room` or `@ name`), trimmed. */
export async function conversationTitle(page: Page): Promise<string> {
  return ((await page.locator('#title').textContent()) ?? '').trim();
}

/** Types into the composer and sends with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

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
