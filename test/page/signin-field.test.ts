// The sign-in page in Chromium, in both languages: the suggested guest name is selected, so typing
// replaces it; the field holds as many characters as the server's name limit (emoji included) and
// the server takes a name that long; the page's favicon is there (no 404 on any load); and no
// paragraph of the card leaves one Chinese character (or one word) alone on its last line at a
// phone's width (nor one English word). Skipped without /usr/bin/chromium.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MAX_NAME_LENGTH } from '../../src/shared/protocol/index.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, usePeople } from '../helpers/page.js';

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Submits the form; resolves once the answer has loaded. */
async function submit(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), page.locator('form.signin button[type="submit"]').click()]);
  await page.waitForLoadState('load');
}

/**
 * For each paragraph, label and heading of the card: how many lines it takes and what its last line
 * holds, measured from the laid-out text, one range per character.
 */
function lastLines(page: Page): Promise<{ text: string; lines: number; last: string }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main.card h1, main.card p, main.card label')].map((block: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const chars: { top: number; ch: string }[] = [];
      const walker = document.createTreeWalker(block, 4 /* NodeFilter.SHOW_TEXT */);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect && rect.width > 0) chars.push({ top: Math.round(rect.top), ch: node.data[i] });
        }
      }
      const tops = [...new Set(chars.map((c) => c.top))].sort((a, b) => a - b);
      const lastTop = tops[tops.length - 1];
      return { text: block.textContent.trim(), lines: tops.length, last: chars.filter((c) => c.top === lastTop).map((c) => c.ch).join('').trim() };
    }),
  );
}

describeInChromium('the sign-in field in Chromium', () => {
  const chat = useServer();
  const people = usePeople(chat);

  for (const locale of ['en-US', 'zh-CN'] as const) {
    it(`selects the suggested name, so typing replaces it, and takes a name as long as the server does (${locale})`, async () => {
      const person = await people.launch({ locale });
      const { page } = person;
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await page.goto(`${chat.server.url}/signin`);
      const field = page.locator('input[name="name"]');
      const suggested = await field.inputValue();
      expect(suggested).not.toBe('');
      await page.waitForFunction(() => document.activeElement?.id === 'name' && document.activeElement.selectionStart === 0 && document.activeElement.selectionEnd === document.activeElement.value.length);
      await page.keyboard.type('Zed');
      expect(await field.inputValue()).toBe('Zed');

      // The limit is the server's, in characters: 40 typed keep 32; emoji count one each.
      expect(await page.request.get(`${chat.server.url}/signin`).then((r) => r.text())).toContain(`maxlength="${MAX_NAME_LENGTH}"`);
      await field.fill('');
      await field.pressSequentially('x'.repeat(MAX_NAME_LENGTH + 8));
      expect(await field.inputValue()).toBe('x'.repeat(MAX_NAME_LENGTH));
      await field.fill('');
      // Names are held while signed in: each language signs in a name of its own.
      await field.pressSequentially(`${(locale === 'en-US' ? 'N' : '名').repeat(MAX_NAME_LENGTH - 4)}🙂🙂🙂🙂🙂🙂`);
      const typed = await field.inputValue();
      expect([...typed].length).toBe(MAX_NAME_LENGTH);
      expect(typed.endsWith('🙂🙂🙂🙂')).toBe(true);
      // Pasted over the limit: cut to it.
      await field.fill('');
      await field.pressSequentially('ab');
      await page.evaluate((text) => document.execCommand('insertText', false, text), '🙂'.repeat(MAX_NAME_LENGTH));
      expect([...(await field.inputValue())].length).toBe(MAX_NAME_LENGTH);
      await field.fill(typed);
      // The server takes exactly that: the chat opens under that name.
      await submit(page);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.locator('.me-name').textContent()).toBe(typed);

      // The favicon is linked, found and an image; nothing the pages asked for was missing.
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      expect(icon).toMatch(/^\/static\/favicon\.svg\?v=[0-9a-f]{12}$/);
      const answer = await page.request.get(`${chat.server.url}${icon}`);
      expect(answer.status()).toBe(200);
      expect(answer.headers()['content-type']).toBe('image/svg+xml');
      expect(failed).toEqual([]);
      expect(person.pageErrors).toEqual([]);
    });
  }

  it('keeps a name sent back with an error as typed, unselected, for correcting', async () => {
    const { page } = await people.launch();
    await page.goto(`${chat.server.url}/signin`);
    await page.locator('input[name="name"]').fill('bad\u202ename');
    await submit(page);
    expect(await page.locator('[role="alert"]').count()).toBe(1);
    expect(await page.locator('input[name="name"]').getAttribute('data-suggested')).toBeNull();
    const selected = await page.evaluate(() => document.activeElement?.selectionEnd - document.activeElement?.selectionStart);
    expect(selected === 0 || Number.isNaN(selected)).toBe(true);
  });

  for (const locale of ['zh-CN', 'en-US'] as const) {
    it(`leaves no character (Chinese) or word (English) alone on the last line of a sign-in paragraph, from 300 to 600 px wide (${locale})`, async () => {
      const { page } = await people.launch({ locale, viewport: { width: 300, height: 800 } });
      await page.goto(`${chat.server.url}/signin`);
      await page.evaluate(() => document.fonts.ready);
      const alone: string[] = [];
      for (let width = 300; width <= 600; width += 4) {
        await page.setViewportSize({ width, height: 800 });
        const blocks = await lastLines(page);
        expect(blocks.length).toBeGreaterThan(3);
        // Punctuation does not count: "箱。" alone on a line is one character alone.
        const count = (last: string) => (locale === 'zh-CN' ? last.replace(/[^\p{L}\p{N}]/gu, '').length : last.split(/\s+/).length);
        for (const block of blocks) if (block.lines > 1 && count(block.last) < 2) alone.push(`${width} px: ${block.text} ends with "${block.last}"`);
      }
      expect(alone).toEqual([]);
    });
  }
});
