// Debian's Chromium for the page suites (test/page/): one person a browser with a profile of its
// own, and `settlePage`, the page's own ordered reply. What a suite reads off the page, and its
// set-up, are in test/helpers/page.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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
  /** The browser's time zone (IANA), the machine's unless given. */
  timezoneId?: string;
}

/** One person at their own browser: a Chromium with its own fresh profile, so its own cookies. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Every dialog (alert, confirm, prompt) any page of this person opened, as `type: message`. */
  dialogs: string[];
  /** Uncaught exceptions in the person's pages. */
  pageErrors: string[];
  /** Every URL any page of this person asked for, from the start (an injected <img src=x> would ask for /x). */
  requested: string[];
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
      ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    });
  } catch (error) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(options.timeoutMs ?? 10_000);
  await context.addInitScript(keepSockets);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const requested: string[] = [];
  context.on('request', (request) => requested.push(request.url()));
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
    requested,
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

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Runs in every page before its own scripts: each WebSocket the page opens is also kept in
 * `window.__sockets`, so that `settlePage` can ping on the page's own connection. The page's
 * sockets behave exactly as before (a subclass that only records them).
 */
function keepSockets(): void {
  const Native = window.WebSocket;
  const sockets: unknown[] = [];
  window.__sockets = sockets;
  window.WebSocket = class extends Native {
    constructor(...args: unknown[]) {
      super(...args);
      sockets.push(this);
    }
  };
}

let settles = 0;

/**
 * The page's own `settle` (as TestClient's): sends `{"type":"ping","ref"}` on the page's open
 * socket and waits, inside the page, for its `pong`. The server answers a ping after everything it
 * already had for that connection, and the page handles its messages in order, so once this
 * resolves the page has handled all the server sent it before: what is not on screen now is not on
 * its way. (Presence still waiting for its room's flush is not covered; a message to the room is.)
 */
export async function settlePage(page: Page, timeoutMs = 5000): Promise<void> {
  const ref = `page-settle-${++settles}`;
  await page.evaluate(
    ({ ref, timeoutMs }) =>
      new Promise<void>((resolve, reject) => {
        const open = (window.__sockets as any[]).filter((s) => s.readyState === 1); // eslint-disable-line @typescript-eslint/no-explicit-any
        const socket = open[open.length - 1];
        if (!socket) return reject(new Error('the page has no open socket to ping on'));
        const onMessage = (event: { data: unknown }) => {
          if (typeof event.data !== 'string' || !event.data.includes(ref)) return;
          const message = JSON.parse(event.data) as { type?: string; ref?: string };
          if (message.type !== 'pong' || message.ref !== ref) return;
          clearTimeout(timer);
          socket.removeEventListener('message', onMessage);
          resolve();
        };
        const timer = setTimeout(() => {
          socket.removeEventListener('message', onMessage);
          reject(new Error(`no pong for ${ref} on the page's socket in ${timeoutMs} ms`));
        }, timeoutMs);
        socket.addEventListener('message', onMessage);
        socket.send(JSON.stringify({ type: 'ping', ref }));
      }),
    { ref, timeoutMs },
  );
}
