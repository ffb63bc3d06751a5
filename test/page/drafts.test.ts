// Drafts (issue 17, item 10): what is typed and not sent survives a reload, per conversation, and
// switching language (which reloads the page) comes back to the same room with its draft; sending
// clears it. In Chromium, from English to Chinese and back. Skipped without /usr/bin/chromium.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { personName, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, openRoom, reloadChat, usePeople, waitForMessage } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/** Clicks the language switch and waits for the page in that language, online. */
async function switchLanguage(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await Promise.all([page.waitForURL((url) => (url.searchParams.get('lang') ?? '').startsWith(lang)), page.locator(`a.lang-switch[hreflang^="${lang}"]`).click()]);
  await page.waitForSelector(`html[lang^="${lang}"]`);
  await page.waitForSelector('#status[data-state="online"]');
}

describeInChromium('drafts in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  for (const [locale, from, to] of [
    ['en-US', 'en', 'zh'],
    ['zh-CN', 'zh', 'en'],
  ] as const) {
    it(`keeps each conversation's draft over a reload and a switch of language, in the same room, until sent (${locale})`, async () => {
      const me = await chat.signIn(personName('Drafter'));
      const room = unique('drafts').slice(0, 30);
      await chat.createRoom(me, room);
      const person = await people.openAs(me, { locale });
      const { page } = person;
      const box = page.locator('#input');

      const lobbyDraft = `lobby draft ${unique('d')}\nsecond line`;
      await box.fill(lobbyDraft);
      await reloadChat(page);
      expect(await box.inputValue()).toBe(lobbyDraft);

      await openRoom(page, room);
      const roomDraft = `草稿 in the room ${unique('d')}`;
      await box.pressSequentially(roomDraft);
      await switchLanguage(page, to);
      await until('the room on screen again', () => conversationTitle(page), (title) => title === `# ${room}`);
      expect(await box.inputValue()).toBe(roomDraft);

      await openRoom(page, 'lobby');
      expect(await box.inputValue()).toBe(lobbyDraft);
      await box.press('Enter');
      await waitForMessage(page, lobbyDraft);
      await switchLanguage(page, from);
      // Sent: gone from the lobby; the room's is still there.
      await until('the lobby on screen', () => conversationTitle(page), (title) => title === '# lobby');
      expect(await box.inputValue()).toBe('');
      await openRoom(page, room);
      expect(await box.inputValue()).toBe(roomDraft);
      expect(person.pageErrors).toEqual([]);
    });
  }
});
