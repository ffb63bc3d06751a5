// A phone (issue 17, item 9): at 360×330, what is left of a phone's screen with the on-screen
// keyboard up, the messages keep most of it: the top bar is one line (the rest behind ⋯), the
// conversation's head and the box are thin. At 360×640 likewise. In Chromium, en and zh.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { say } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, openChat, usePeople, waitForMessage } from '../helpers/page.js';
import { translate } from '../../src/shared/i18n/index.js';

/** In-page globals, for the callbacks below that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Layout {
  viewport: number;
  topbar: number;
  scroller: number;
  composerBottom: number;
  /** Each thing seen in the top bar, by where its box starts and ends vertically. */
  topbarParts: { what: string; top: number; bottom: number }[];
}

/** Where the page's parts are, as laid out. */
function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const box = (selector: string) => document.querySelector(selector).getBoundingClientRect();
    const parts = [...document.querySelectorAll('.topbar > *, .me > *')]
      .filter((el: any) => !el.classList.contains('me') && el.getBoundingClientRect().width > 0 && window.getComputedStyle(el).position !== 'absolute')
      .map((el: any) => {
        const rect = el.getBoundingClientRect();
        return { what: el.id || el.className, top: rect.top, bottom: rect.bottom };
      });
    return {
      viewport: window.innerHeight,
      topbar: box('.topbar').height,
      scroller: box('#scroller').height,
      composerBottom: box('#composer').bottom,
      topbarParts: parts,
    };
  });
}

describeInChromium('the page on a phone, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  beforeAll(async () => {
    const carol = await chat.signIn('Carol');
    const carolWs = await people.client(carol);
    for (let i = 0; i < 8; i++) await say(carolWs, `A line of chat to fill the screen, number ${i}`);
  });

  for (const locale of ['en-US', 'zh-CN'] as const) {
    for (const [width, height, share] of [
      [360, 330, 0.45],
      [360, 640, 0.65],
    ] as const) {
      it(`keeps most of a ${width}×${height} screen for the messages, the top bar on one line (${locale})`, async () => {
        const reader = await chat.signIn('Reader');
        const person = await people.launch({ viewport: { width, height }, locale });
        await openChat(person, chat.server.url, reader.cookie);
        const { page } = person;
        await waitForMessage(page, 'A line of chat to fill the screen, number 7');
        const seen = await layout(page);
        // One line: every part of the bar overlaps every other vertically.
        const lowestTop = Math.max(...seen.topbarParts.map((part) => part.top));
        const highestBottom = Math.min(...seen.topbarParts.map((part) => part.bottom));
        expect(lowestTop, JSON.stringify(seen.topbarParts)).toBeLessThan(highestBottom);
        expect(seen.topbar).toBeLessThan(50);
        expect(seen.scroller / seen.viewport).toBeGreaterThanOrEqual(share);
        // The box is on screen, whole.
        expect(seen.composerBottom).toBeLessThanOrEqual(seen.viewport);

        // What folded away is one tap away, and folds again with Escape.
        const lang = locale === 'en-US' ? 'en' : 'zh-CN';
        const signOut = page.locator('#me-extra form[action="/signout"] button');
        expect(await signOut.isVisible()).toBe(false);
        await page.locator('#topbar-more').click();
        expect(await page.locator('#topbar-more').getAttribute('aria-label')).toBe(translate(lang, 'topbar.more'));
        expect(await page.locator('#topbar-more').getAttribute('aria-expanded')).toBe('true');
        expect(await signOut.isVisible()).toBe(true);
        expect(await signOut.textContent()).toBe(translate(lang, 'action.signOut'));
        expect(await page.locator('#me-extra .account-link').isVisible()).toBe(true);
        await page.keyboard.press('Escape');
        expect(await signOut.isVisible()).toBe(false);
        expect(await page.locator('#topbar-more').getAttribute('aria-expanded')).toBe('false');
        expect(person.pageErrors).toEqual([]);
      });
    }
  }

  it('shows the whole bar, with no ⋯, on a desktop', async () => {
    const reader = await chat.signIn('Reader');
    const person = await people.launch({ viewport: { width: 1280, height: 800 } });
    await openChat(person, chat.server.url, reader.cookie);
    const { page } = person;
    expect(await page.locator('#topbar-more').isVisible()).toBe(false);
    expect(await page.locator('#me-extra form[action="/signout"] button').isVisible()).toBe(true);
    expect(await page.locator('#me-extra .account-link').isVisible()).toBe(true);
  });
});
