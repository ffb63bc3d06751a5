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
      locale: 'en-US',
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
