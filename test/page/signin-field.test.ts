// The sign-in page in Chromium, in both languages: the suggested guest name is selected, so typing
// replaces it; the field holds as many characters as the server's name limit (emoji included) and
// the server takes a name that long; and the page's favicon is there (no 404 on any load).
// Skipped without /usr/bin/chromium.
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
});
