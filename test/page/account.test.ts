// The account page in Chromium, in both languages: opened from the chat page's top bar, a guest
// sees both of their sessions with this one marked and signs the other out, sets a password (the
// page says so, and asks for the current one from then on), and takes a new name that the chat
// page then shows. Skipped without /usr/bin/chromium.
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { MAX_NAME_LENGTH } from '../../src/shared/protocol/index.js';
import { personName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, usePeople } from '../helpers/page.js';
import { readmeScreenshot } from '../helpers/screenshots.js';

const PASSWORD = 'a long enough password';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Clicks and waits for the page it leads to to load. */
async function navigate(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), target.click()]);
  await page.waitForLoadState('load');
}

async function signIn(page: Page, url: string, name: string, password = ''): Promise<void> {
  await page.goto(`${url}/signin`);
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="password"]').fill(password);
  await navigate(page, page.locator('form.signin button[type="submit"]'));
  expect(new URL(page.url()).pathname).toBe('/');
}

describeInChromium('the account page in Chromium', () => {
  const chat = useServer();
  const people = usePeople(chat);

  for (const [locale, words] of [
    ['en-US', { account: 'Account', heading: 'Your account', guest: 'You are a guest', set: 'Set a password', done: 'Your password is set', change: 'Change password', thisDevice: 'This device', ended: 'That device was signed out', renamed: 'Your name is now' }],
    ['zh-CN', { account: '账户', heading: '我的账户', guest: '你是访客', set: '设置密码', done: '密码已设置', change: '修改密码', thisDevice: '本设备', ended: '那台设备已退出登录', renamed: '你的名字现在是' }],
  ] as const) {
    it(`sets a password, lists and ends sessions, and renames (${locale})`, async () => {
      const name = personName(locale === 'en-US' ? 'Owner' : '主人');
      const laptop = await people.launch({ locale });
      await signIn(laptop.page, chat.server.url, name);

      // From the top bar.
      const link = laptop.page.locator('.topbar a[href="/account"]');
      expect(await link.textContent()).toBe(words.account);
      await navigate(laptop.page, link);
      expect(await laptop.page.locator('h1').textContent()).toBe(words.heading);
      expect(await laptop.page.locator('.lead').textContent()).toContain(words.guest);

      // Another browser of theirs (their cookie, over HTTP: a second session of the guest): two
      // sessions, this one marked; the other signed out from here.
      const cookie = (await laptop.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const phone = await fetch(`${chat.server.url}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', cookie, 'user-agent': SAFARI },
        body: JSON.stringify({ name }),
      });
      expect(phone.status).toBe(200);
      const phoneCookie = phone.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
      await laptop.page.reload();
      expect(await laptop.page.locator('#sessions .session').count()).toBe(2);
      expect(await laptop.page.locator('#sessions .session.current .this-device').textContent()).toBe(words.thisDevice);
      expect(await laptop.page.locator('#sessions .session:not(.current) .session-agent').textContent()).toBe('Safari · iOS');
      await navigate(laptop.page, laptop.page.locator('#sessions .session:not(.current) button'));
      expect(await laptop.page.locator('#account-done').textContent()).toContain(words.ended);
      expect(await laptop.page.locator('#sessions .session').count()).toBe(1);
      const phoneNow = await fetch(`${chat.server.url}/account`, { headers: { cookie: phoneCookie }, redirect: 'manual' });
      expect(phoneNow.headers.get('location')).toBe('/signin');

      // The guest sets a password: no current one asked.
      expect(await laptop.page.locator('#current-password').count()).toBe(0);
      await laptop.page.locator('#new-password').fill(PASSWORD);
      const setButton = laptop.page.locator('#password-form button[type="submit"]');
      expect(await setButton.textContent()).toBe(words.set);
      await navigate(laptop.page, setButton);
      expect(await laptop.page.locator('#account-done').textContent()).toContain(words.done);
      expect(await laptop.page.locator('#password-form button[type="submit"]').textContent()).toBe(words.change);
      expect(await laptop.page.locator('#current-password').count()).toBe(1);
      expect(await laptop.page.content()).not.toContain(PASSWORD);

      // A new name, shown on the account page and then in the chat's top bar.
      const newName = personName(locale === 'en-US' ? 'Renamed' : '改名');
      await laptop.page.locator('#new-name').fill(newName);
      await navigate(laptop.page, laptop.page.locator('#name-form button[type="submit"]'));
      expect(await laptop.page.locator('#account-done').textContent()).toContain(`${words.renamed}`);
      expect(await laptop.page.locator('#account-name').textContent()).toBe(newName);
      await readmeScreenshot(laptop.page, `account-${locale === 'en-US' ? 'en' : 'zh'}`, true);
      await navigate(laptop.page, laptop.page.locator('a[href="/"]'));
      expect(await laptop.page.locator('.me-name').textContent()).toBe(newName);
      expect(laptop.dialogs).toEqual([]);
    });
  }

  it('takes a new name as long as the server does (emoji included), and no longer', async () => {
    const person = await people.launch();
    await signIn(person.page, chat.server.url, personName('Long'));
    await person.page.goto(`${chat.server.url}/account`);
    const field = person.page.locator('#new-name');
    // Typed one more than the limit: the field keeps MAX_NAME_LENGTH characters (an emoji counts one).
    const typed = `${'😀'.repeat(4)}${'n'.repeat(MAX_NAME_LENGTH - 4 + 1)}`;
    await field.fill('');
    await field.pressSequentially(typed);
    const kept = await field.inputValue();
    expect([...kept].length).toBe(MAX_NAME_LENGTH);
    expect(kept).toBe([...typed].slice(0, MAX_NAME_LENGTH).join(''));
    await navigate(person.page, person.page.locator('#name-form button[type="submit"]'));
    expect(await person.page.locator('#account-name').textContent()).toBe(kept);
  });
});
