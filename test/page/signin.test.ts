// The sign-in form in Chromium, in both languages: the optional password and the sentence on the
// choice, a name kept with a password claimed from the form, the 401 shown with the form on
// another browser (the password field empty again), and the same person once the password is
// given. The one-click guest sign-in is basics.test.ts's. Skipped without /usr/bin/chromium.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { personName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, usePeople } from '../helpers/page.js';

const PASSWORD = 'a long enough password';

/** Fills the form and submits it; resolves once the answer (the chat, or the form again) has loaded. */
async function submit(page: Page, name: string, password: string): Promise<void> {
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), page.locator('form.signin button[type="submit"]').click()]);
  await page.waitForLoadState('load');
}

describeInChromium('the sign-in form in Chromium', () => {
  const chat = useServer();
  const people = usePeople(chat);

  for (const [locale, choice, passwordLabel, needed] of [
    ['en-US', 'Add a password to keep it for good', 'Password (optional)', 'is kept with a password'],
    ['zh-CN', '再设一个密码：名字永久归你', '密码（可选）', '已用密码保护'],
  ] as const) {
    it(`claims a name with a password, and asks another browser for it (${locale})`, async () => {
      const name = personName(locale === 'en-US' ? 'Kept' : '留名');
      const first = await people.launch({ locale });
      await first.page.goto(`${chat.server.url}/signin`);
      expect(await first.page.locator('.choice').textContent()).toContain(choice);
      expect(await first.page.locator('label[for="password"]').textContent()).toBe(passwordLabel);
      expect(await first.page.locator('input[name="password"]').getAttribute('type')).toBe('password');
      await submit(first.page, name, PASSWORD);
      expect(new URL(first.page.url()).pathname).toBe('/');
      expect(await first.page.locator('.me-name').textContent()).toBe(name);

      // Another browser: the name alone is refused, with the form and its reason.
      const second = await people.launch({ locale });
      await second.page.goto(`${chat.server.url}/signin`);
      await submit(second.page, name, '');
      expect(new URL(second.page.url()).pathname).toBe('/signin');
      expect(await second.page.locator('[role="alert"]').textContent()).toContain(needed);
      expect(await second.page.locator('input[name="name"]').inputValue()).toBe(name);
      expect(await second.page.locator('input[name="password"]').inputValue()).toBe('');

      // With the password: the same person, on the chat page.
      await submit(second.page, name, PASSWORD);
      expect(new URL(second.page.url()).pathname).toBe('/');
      expect(await second.page.locator('.me-name').textContent()).toBe(name);
      const me = (page: Page) => page.locator('body').getAttribute('data-user');
      expect(JSON.parse((await me(second.page)) ?? 'null').id).toBe(JSON.parse((await me(first.page)) ?? 'null').id);
      expect(await second.page.content()).not.toContain(PASSWORD);
      expect(first.dialogs).toEqual([]);
      expect(second.dialogs).toEqual([]);
    });
  }
});
