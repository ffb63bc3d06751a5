// Moderation in Chromium, in English and in Chinese: an owner (the site's first account) deletes
// someone's message from the chat page (its menu's Delete asks in place, then it is gone for everyone:
// another page shows the deleted line, a ws client hears `deleted`), where a guest's menu has no Delete;
// locks a room from the chat page (a guest's composer goes read-only, with the note); and on the
// moderation page makes a moderator, removes a person and reads the log, all in the reader's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { closeCode, join, personName, roomName, say as sayOnSocket } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, openRoom, usePeople, visibleMessages, waitForMessage } from '../helpers/page.js';
import { signInWithPassword, type SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { readmeScreenshot } from '../helpers/screenshots.js';

const PASSWORD = 'the owner of this site';

describeInChromium('moderation, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let owner: SignedIn;

  const account = (name: string): Promise<SignedIn> => signInWithPassword(chat.server.url, name, PASSWORD);

  beforeAll(async () => {
    owner = await account('Site Owner');
  });

  for (const [lang, locale] of [
    ['en', 'en-US'],
    ['zh-CN', 'zh-CN'],
  ] as const satisfies readonly (readonly [Lang, string])[]) {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(lang, key, params as never);

    describe(`in ${lang}`, () => {
      it('deletes a message for everyone from the chat page, asking first; a guest has no Delete on others’ messages', async () => {
        const [bob, carol] = await Promise.all([chat.signIn(personName('Bob')), chat.signIn(personName('Carol'))]);
        const bobWs = await chat.connect(bob);
        const mod = await people.openAs(owner, { locale });
        const guest = await people.openAs(carol, { locale });
        const text = `spam ${personName('x')}`;
        const sent = await sayOnSocket(bobWs, text);
        await waitForMessage(mod.page, text);
        await waitForMessage(guest.page, text);
        const row = (page: typeof mod.page) => page.locator(`#scroller li.message[data-id="${sent.id}"]`);
        // The guest's page offers no Delete on Bob's message (the server would refuse it anyway).
        await row(guest.page).locator('.message-actions').click();
        await guest.page.waitForSelector('#message-menu:not([hidden])');
        expect(await guest.page.locator('#message-menu [data-action="delete"]').isVisible()).toBe(false);
        // The owner's menu asks in place first, then deletes.
        await row(mod.page).locator('.message-actions').click();
        const button = mod.page.locator('#message-menu [data-action="delete"]');
        await button.click();
        expect((await button.textContent())?.trim()).toBe(t('message.confirmDelete'));
        await button.click();
        const deleted = await bobWs.next<Extract<ServerMessage, { type: 'deleted' }>>((m) => m.type === 'deleted');
        expect(deleted).toEqual({ type: 'deleted', id: sent.id, room: 'lobby', change: expect.any(Number) });
        for (const page of [mod.page, guest.page]) {
          const shown = await until('the deleted line', () => visibleMessages(page), (rows) => rows.some((r) => r.id === String(sent.id) && r.text === t('message.deleted')));
          expect(shown.map((r) => r.text)).not.toContain(text);
        }
        // After a reload the server's page has the line, never the text.
        await guest.page.reload();
        await guest.page.waitForSelector('#status[data-state="online"]');
        const reloaded = await visibleMessages(guest.page);
        expect(reloaded.find((r) => r.id === String(sent.id))?.text).toBe(t('message.deleted'));
        expect(reloaded.map((r) => r.text)).not.toContain(text);
        expect(mod.dialogs).toEqual([]);
        expect([...mod.pageErrors, ...guest.pageErrors]).toEqual([]);
      });

      it('locks a room from the chat page: a guest’s composer is read-only with the note, until unlocked', async () => {
        const carol = await chat.signIn(personName('Carol'));
        const room = roomName('locked');
        await chat.createRoom(carol, room);
        const carolWs = await chat.connect(carol);
        await join(carolWs, room);
        const mod = await people.openAs(owner, { locale });
        const guest = await people.openAs(carol, { locale });
        await openRoom(mod.page, room);
        await openRoom(guest.page, room);
        await mod.page.locator('#lock-room').click();
        await guest.page.waitForSelector('#locked-note:not([hidden])');
        expect((await guest.page.locator('#locked-note').textContent())?.trim()).toBe(t('rooms.lockedNote', { room }));
        expect(await guest.page.locator('#input').isDisabled()).toBe(true);
        expect(await guest.page.locator('#lock-room').isVisible()).toBe(false);
        // The owner still posts there.
        expect(await mod.page.locator('#input').isDisabled()).toBe(false);
        await mod.page.locator('#unlock-room').waitFor();
        await mod.page.locator('#unlock-room').click();
        await guest.page.waitForSelector('#locked-note', { state: 'hidden' });
        expect(await guest.page.locator('#input').isDisabled()).toBe(false);
      });

      it('makes a moderator, removes a person and shows the log on the moderation page', async () => {
        const helper = await account(personName('Helper'));
        const trollName = personName('Troll');
        const troll = await chat.signIn(trollName);
        const trollWs = await chat.connect(troll);
        const mod = await people.openAs(owner, { locale });
        await mod.page.locator('#moderation-link').click();
        await mod.page.waitForURL(/\/moderation$/);
        expect((await mod.page.locator('h1').textContent())?.trim()).toBe(t('moderation.heading'));
        await mod.page.locator('#grant-name').fill(helper.user.name);
        await mod.page.locator('#grant-form button').click();
        await mod.page.waitForSelector(`#staff li[data-user-id="${helper.user.id}"][data-role="moderator"]`);
        await mod.page.locator('#remove-name').fill(trollName);
        await mod.page.locator('#remove-form button').click();
        await mod.page.waitForSelector(`#removed li[data-user-id="${troll.user.id}"]`);
        expect(await closeCode(trollWs)).toBe(4001);
        // The log, newest first, in the reader's language.
        const rows = await mod.page.locator('#log tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
        expect(rows[0]?.slice(1)).toEqual(['Site Owner', t('moderation.action.remove'), trollName]);
        expect(rows[1]?.slice(1)).toEqual(['Site Owner', t('moderation.action.grant_moderator'), helper.user.name]);
        await readmeScreenshot(mod.page, `moderation-${lang === 'en' ? 'en' : 'zh'}`, true);
        // Restored from the page.
        await mod.page.locator(`#removed li[data-user-id="${troll.user.id}"] button`).click();
        await mod.page.waitForSelector(`#removed li[data-user-id="${troll.user.id}"]`, { state: 'detached' });
        expect(mod.pageErrors).toEqual([]);
      });
    });
  }
});
