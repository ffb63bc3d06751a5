// Why this file is long: each user action on changed messages needs the same two browsers, the same
// sockets and the same helpers, in both languages; split, every file would set them up again.
// Changing messages on the page (issue 16), in Chromium, in English and in Chinese: editing my last
// message with ↑ and one from its menu (Esc cancels; a refusal is shown and the text kept), deleting
// (the line for the other person live and after a reload, and out of the unread count), replying (the
// quote, jumping to the original, the original deleted; in a DM too), reactions from the keyboard
// alone (toggle on and off, counts, who reacted on hover and focus), and a page that was offline while
// others changed messages showing every change once it is back. The README picture is taken here.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import type { ChatMessage, DirectMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import type { Person } from '../helpers/browser.js';
import { settlePage } from '../helpers/browser.js';
import { dm, personName, say as sayOnSocket, unique } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  badge,
  describeInChromium,
  dmButton,
  inLobby,
  openConversation,
  openRoom,
  reloadChat,
  roomButton,
  say,
  usePeople,
  visibleMessages,
  waitForMessage,
} from '../helpers/page.js';
import { readmeScreenshot } from '../helpers/screenshots.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const MAX_MESSAGE_LENGTH = 300;

const row = (page: Page, id: number) => page.locator(`#scroller ol.messages:not([hidden]) li.message[data-id="${id}"]`);

/** What a person sees of one message's changes: its text, the edited mark, the quote, the reactions. */
async function shown(page: Page, id: number) {
  return row(page, id).evaluate((li: any) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
    text: (li.querySelector('.text')?.textContent ?? '') as string,
    deleted: li.classList.contains('deleted') as boolean,
    edited: !li.querySelector('.edited-mark').hidden as boolean,
    editedTitle: li.querySelector('.edited-mark').title as string,
    quote: li.querySelector('.reply-quote').hidden ? undefined : ((li.querySelector('.reply-quote').textContent ?? '').trim() as string),
    reactions: [...li.querySelectorAll('.reaction')].map((b: any) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
      emoji: b.dataset.emoji as string,
      count: Number(b.querySelector('.reaction-count').textContent),
      pressed: b.getAttribute('aria-pressed') === 'true',
      who: (b.querySelector('.reaction-who').textContent ?? '') as string,
    })),
  }));
}

/** Opens a message's menu from the keyboard: focus on its ⋯ button, Enter. */
async function openMenuByKeyboard(page: Page, id: number): Promise<void> {
  await row(page, id).locator('.message-actions').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#message-menu:not([hidden])');
}

/** Focus moves down the open menu to `action` (Reply, React, Edit, Delete), then Enter. */
async function chooseByKeyboard(page: Page, action: 'reply' | 'react' | 'edit' | 'delete'): Promise<void> {
  for (let step = 0; step < 5; step++) {
    const focused = await page.evaluate(() => document.activeElement?.dataset?.action as string | undefined);
    if (focused === action) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
}

/** The page's socket goes and cannot come back until `online` is called (the server stays up for everyone else). */
async function goOffline(page: Page): Promise<{ online: () => Promise<void> }> {
  await page.evaluate(() => {
    const Recording = window.WebSocket;
    window.__realWebSocket = Recording;
    // A path the server refuses: each attempt to come back fails until the real one is put back.
    window.WebSocket = class extends Recording {
      constructor(url: string) {
        super(url.replace('/ws/chat', '/ws/nowhere'));
      }
    };
    for (const socket of window.__sockets) socket.close();
  });
  await page.waitForSelector('#status[data-state="waiting"]');
  return {
    async online() {
      await page.evaluate(() => {
        window.WebSocket = window.__realWebSocket;
      });
      await page.waitForSelector('#status[data-state="waiting"]');
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.waitForSelector('#status[data-state="online"]');
    },
  };
}

describeInChromium('changing messages in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0', MAX_MESSAGE_LENGTH: String(MAX_MESSAGE_LENGTH) });
  const people = usePeople(chat);

  for (const [lang, locale] of [
    ['en', 'en-US'],
    ['zh-CN', 'zh-CN'],
  ] as const satisfies readonly (readonly [Lang, string])[]) {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(lang, key, params as never);

    describe(`in ${lang}`, () => {
      let alice: Person;
      let bob: Person;
      let aliceUser: SignedIn;
      let bobUser: SignedIn;
      let carol: SignedIn;
      let carolWs: TestClient;

      beforeAll(async () => {
        [aliceUser, bobUser, carol] = await Promise.all([chat.signIn(personName('Alice')), chat.signIn(personName('Bob')), chat.signIn(personName('Carol'))]);
        carolWs = await people.client(carol);
        [alice, bob] = await Promise.all([people.openAs(aliceUser, { locale }), people.openAs(bobUser, { locale })]);
      });

      it('edits my last message with ↑ in the empty box (Esc cancels); everyone sees the new text, marked edited', async () => {
        await inLobby(alice, bob);
        const first = unique('typo');
        await say(alice.page, first);
        const mine = await waitForMessage(alice.page, first);
        const id = Number(mine.id);
        await waitForMessage(bob.page, first);
        const input = alice.page.locator('#input');
        await input.focus();
        await input.press('ArrowUp');
        expect(await input.inputValue()).toBe(first);
        expect((await alice.page.locator('#composer-context-text').textContent())?.trim()).toBe(t('edits.editing'));
        // Esc: the box is as it was, and nothing was sent.
        await input.fill('not this');
        await input.press('Escape');
        expect(await input.inputValue()).toBe('');
        expect(await alice.page.locator('#composer-context').isHidden()).toBe(true);
        await settlePage(alice.page);
        await carolWs.settle();
        expect(carolWs.pending((m) => m.type === 'edited')).toEqual([]);
        // ↑ again, and Enter saves.
        await input.press('ArrowUp');
        const fixed = unique('fixed');
        await input.fill(fixed);
        await input.press('Enter');
        const edited = await carolWs.next<Extract<ServerMessage, { type: 'edited' }>>((m) => m.type === 'edited' && m.id === id);
        expect(edited.data).toBe(fixed);
        for (const page of [alice.page, bob.page]) {
          const seen = await until('the new text, marked edited', () => shown(page, id), (s) => s.text === fixed && s.edited);
          expect(seen.editedTitle).not.toBe('');
          expect(await row(page, id).locator('.edited-mark').textContent()).toBe(t('edits.edited'));
        }
        expect(await input.inputValue()).toBe('');
        expect(await alice.page.locator('#composer-context').isHidden()).toBe(true);
        // The same after a reload (the server's page draws it through the same code).
        await reloadChat(bob.page);
        expect(await shown(bob.page, id)).toMatchObject({ text: fixed, edited: true });
        expect([...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
      });

      it('edits from the message menu; a refusal is shown and the text stays in the box', async () => {
        await inLobby(alice, bob);
        const text = unique('menu');
        await say(alice.page, text);
        const id = Number((await waitForMessage(alice.page, text)).id);
        await openMenuByKeyboard(alice.page, id);
        await chooseByKeyboard(alice.page, 'edit');
        const input = alice.page.locator('#input');
        expect(await input.inputValue()).toBe(text);
        const tooLong = 'x'.repeat(MAX_MESSAGE_LENGTH + 1);
        await input.fill(tooLong);
        await input.press('Enter');
        await alice.page.waitForSelector('#flash:not([hidden])');
        expect((await alice.page.locator('#flash').textContent())?.trim()).toBe(t('wsError.too_long'));
        expect(await input.inputValue()).toBe(tooLong);
        expect(await alice.page.locator('#composer-context').isVisible()).toBe(true);
        const better = unique('better');
        await input.fill(better);
        await input.press('Enter');
        await until('the edit on Bob’s page', () => shown(bob.page, id), (s) => s.text === better && s.edited);
        expect(await input.inputValue()).toBe('');
      });

      it('deletes after asking: the line replaces it for the other person live and after a reload, and leaves the unread count', async () => {
        await inLobby(alice, bob);
        const text = unique('oops');
        await say(alice.page, text);
        const id = Number((await waitForMessage(alice.page, text)).id);
        await waitForMessage(bob.page, text);
        // With the mouse: hover shows ⋯, the menu's Delete asks, a second press deletes.
        await row(alice.page, id).hover();
        await row(alice.page, id).locator('.message-actions').click();
        const del = alice.page.locator('#message-menu [data-action="delete"]');
        await del.click();
        expect((await del.textContent())?.trim()).toBe(t('message.confirmDelete'));
        await del.click();
        for (const page of [alice.page, bob.page]) {
          await until('the deleted line', () => shown(page, id), (s) => s.deleted && s.text === t('message.deleted'));
        }
        await reloadChat(bob.page);
        expect(await shown(bob.page, id)).toMatchObject({ deleted: true, text: t('message.deleted') });
        expect((await visibleMessages(bob.page)).map((r) => r.text)).not.toContain(text);

        // Unread: Bob is elsewhere, Carol writes in the lobby and takes it back.
        const room = `${lang === 'en' ? 'side' : 'bian'}${Date.now() % 100000}`;
        await chat.createRoom(bobUser, room);
        await openRoom(bob.page, room);
        const unreadText = unique('unread');
        const sent = await sayOnSocket(carolWs, unreadText);
        await until('one unread in the lobby', () => badge(bob.page, roomButton('lobby')), (b) => b.shown && b.count === 1);
        carolWs.send({ type: 'delete', id: sent.id });
        await until('nothing unread in the lobby', () => badge(bob.page, roomButton('lobby')), (b) => !b.shown);
        expect([...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
      });

      it('replies with a quote that jumps to the original, and says when the original was deleted; in a DM too', async () => {
        await inLobby(bob);
        const original = await sayOnSocket(carolWs, unique('question'));
        await waitForMessage(bob.page, original.data);
        await openMenuByKeyboard(bob.page, original.id);
        await chooseByKeyboard(bob.page, 'reply');
        expect((await bob.page.locator('#composer-context-text').textContent())?.trim()).toBe(t('edits.replyingTo', { name: carol.user.name }));
        // Esc cancels, × too; Reply again and send.
        await bob.page.locator('#input').press('Escape');
        expect(await bob.page.locator('#composer-context').isHidden()).toBe(true);
        await openMenuByKeyboard(bob.page, original.id);
        await chooseByKeyboard(bob.page, 'reply');
        const answer = unique('answer');
        await say(bob.page, answer);
        const sent = await carolWs.next<ChatMessage>((m) => m.type === 'chat' && m.data === answer);
        expect(sent.replyTo).toMatchObject({ id: original.id, user: { id: carol.user.id }, data: original.data });
        await waitForMessage(bob.page, answer);
        expect(await bob.page.locator('#composer-context').isHidden()).toBe(true);
        expect((await shown(bob.page, sent.id)).quote).toBe(`${carol.user.name} ${original.data}`);
        // The quote is a link to the original.
        await row(bob.page, sent.id).locator('.reply-quote').click();
        await until('the original highlighted', () => row(bob.page, original.id).getAttribute('class'), (c) => (c ?? '').includes('highlight'));
        // The original deleted: the quote says so, live and after a reload.
        carolWs.send({ type: 'delete', id: original.id });
        await until('the quote of a deleted message', () => shown(bob.page, sent.id), (s) => s.quote === t('edits.originalDeleted'));
        await reloadChat(bob.page);
        expect((await shown(bob.page, sent.id)).quote).toBe(t('edits.originalDeleted'));

        // In a DM: the same.
        // Written with marks: the quote reads as the message does, without them.
        const word = unique('dm-question');
        const asked = await dm(carolWs, bobUser.user, `**${word}** with \`code\``);
        await openConversation(bob.page, dmButton(carol.user.id), `@ ${carol.user.name}`);
        await waitForMessage(bob.page, `${word} with code`);
        await openMenuByKeyboard(bob.page, asked.id);
        await chooseByKeyboard(bob.page, 'reply');
        const dmAnswer = unique('dm-answer');
        await say(bob.page, dmAnswer);
        const got = await carolWs.next<DirectMessage>((m) => m.type === 'dm' && m.data === dmAnswer);
        expect(got.replyTo).toMatchObject({ id: asked.id, data: asked.data });
        await waitForMessage(bob.page, dmAnswer);
        expect((await shown(bob.page, got.id)).quote).toBe(`${carol.user.name} ${word} with code`);
        expect(bob.pageErrors).toEqual([]);
      });

      it('reacts from the keyboard alone: toggles on and off, counts, and says who reacted on focus and on hover', async () => {
        await inLobby(alice, bob);
        const message = await sayOnSocket(carolWs, unique('react to me'));
        await waitForMessage(bob.page, message.data);
        await openMenuByKeyboard(bob.page, message.id);
        await chooseByKeyboard(bob.page, 'react');
        await bob.page.waitForSelector('#react-picker:not([hidden])');
        // The first common one has the focus: Enter reacts with it.
        const first = await bob.page.evaluate(() => document.activeElement?.dataset?.emoji as string);
        await bob.page.keyboard.press('Enter');
        await until('my reaction', () => shown(bob.page, message.id), (s) => s.reactions.length === 1 && s.reactions[0]?.count === 1 && s.reactions[0]?.pressed === true);
        // Carol reacts with the same.
        carolWs.send({ type: 'react', id: message.id, emoji: first });
        await until('two of them', () => shown(bob.page, message.id), (s) => s.reactions[0]?.count === 2);
        // Shift+Tab from the menu button (focus came back to it) reaches the reaction: its tooltip names both.
        expect(await bob.page.evaluate(() => document.activeElement?.classList.contains('message-actions') as boolean)).toBe(true);
        await bob.page.keyboard.press('Shift+Tab');
        const reaction = row(bob.page, message.id).locator('.reaction').first();
        expect(await reaction.evaluate((b: any) => b === document.activeElement)).toBe(true); // eslint-disable-line @typescript-eslint/no-explicit-any
        const who = reaction.locator('.reaction-who');
        expect(await who.isVisible()).toBe(true);
        expect(await who.textContent()).toContain(carol.user.name);
        expect(await who.textContent()).toContain(bobUser.user.name);
        // Enter takes mine back: one left, not pressed, the focus still on it.
        await bob.page.keyboard.press('Enter');
        await until('mine taken back', () => shown(bob.page, message.id), (s) => s.reactions[0]?.count === 1 && s.reactions[0]?.pressed === false);
        expect(await bob.page.evaluate(() => document.activeElement?.dataset?.emoji as string)).toBe(first);
        // Any short text, typed.
        await openMenuByKeyboard(bob.page, message.id);
        await chooseByKeyboard(bob.page, 'react');
        await bob.page.locator('#react-text').focus();
        await bob.page.keyboard.type(lang === 'en' ? 'ship it' : '好主意');
        await bob.page.keyboard.press('Enter');
        await until('the typed reaction', () => shown(bob.page, message.id), (s) => s.reactions.length === 2);
        // Alice, with the mouse: hovering shows who.
        const onAlice = row(alice.page, message.id).locator('.reaction').first();
        await until('the reaction on Alice’s page', () => onAlice.count(), (n) => n === 1);
        await onAlice.hover();
        expect(await onAlice.locator('.reaction-who').isVisible()).toBe(true);
        expect(await onAlice.locator('.reaction-who').textContent()).toContain(carol.user.name);
        expect([...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
      });

      it('shows every change made while it was offline once it is back, as a fresh page does', async () => {
        await inLobby(bob);
        const older = await sayOnSocket(carolWs, unique('older'));
        const liked = await sayOnSocket(carolWs, unique('liked'));
        const gone = await sayOnSocket(carolWs, unique('gone'));
        await waitForMessage(bob.page, gone.data);
        const away = await goOffline(bob.page);
        const edited = unique('edited while away');
        carolWs.send({ type: 'edit', id: older.id, data: edited });
        carolWs.send({ type: 'react', id: liked.id, emoji: '🎉' });
        carolWs.send({ type: 'delete', id: gone.id });
        const newer = await sayOnSocket(carolWs, unique('newer'));
        carolWs.send({ type: 'react', id: newer.id, emoji: '👀' });
        await carolWs.next((m) => m.type === 'reactions' && m.id === newer.id);
        await away.online();
        await waitForMessage(bob.page, newer.data);
        await settlePage(bob.page);
        const ids = [older.id, liked.id, gone.id, newer.id];
        const afterResume = await Promise.all(ids.map((id) => shown(bob.page, id)));
        expect(afterResume[0]).toMatchObject({ text: edited, edited: true });
        expect(afterResume[1]?.reactions).toEqual([expect.objectContaining({ emoji: '🎉', count: 1, pressed: false })]);
        expect(afterResume[2]).toMatchObject({ deleted: true, text: t('message.deleted') });
        expect(afterResume[3]?.reactions).toEqual([expect.objectContaining({ emoji: '👀', count: 1 })]);
        // A fresh page shows the same.
        await reloadChat(bob.page);
        expect(await Promise.all(ids.map((id) => shown(bob.page, id)))).toEqual(afterResume);
        expect(bob.pageErrors).toEqual([]);
      });

      it('counts an unread message deleted while it was offline out once, not twice, when it is back', async () => {
        await inLobby(bob);
        const room = `${lang === 'en' ? 'away' : 'likai'}${Date.now() % 100000}`;
        await chat.createRoom(bobUser, room);
        await openRoom(bob.page, room);
        await settlePage(bob.page);
        // Earlier tests of this file may have left the lobby with unread messages of their own: counted from here.
        const before = await badge(bob.page, roomButton('lobby'));
        const base = before.shown ? before.count : 0;
        const [first, second] = [await sayOnSocket(carolWs, unique('unread one')), await sayOnSocket(carolWs, unique('unread two'))];
        await until('two more unread in the lobby', () => badge(bob.page, roomButton('lobby')), (b) => b.shown && b.count === base + 2);
        const away = await goOffline(bob.page);
        carolWs.send({ type: 'delete', id: first.id });
        await carolWs.next((m) => m.type === 'deleted' && m.id === first.id);
        const third = await sayOnSocket(carolWs, unique('unread three'));
        await away.online();
        await until('two more unread again (the second and the third)', () => badge(bob.page, roomButton('lobby')), (b) => b.shown && b.count === base + 2);
        await settlePage(bob.page);
        expect(await badge(bob.page, roomButton('lobby'))).toMatchObject({ shown: true, count: base + 2 });
        // The lobby shows the deletion and both that are left.
        await openRoom(bob.page, 'lobby');
        await waitForMessage(bob.page, third.data);
        expect(await shown(bob.page, first.id)).toMatchObject({ deleted: true, text: t('message.deleted') });
        expect((await shown(bob.page, second.id)).text).toBe(second.data);
        expect(bob.pageErrors).toEqual([]);
      });

      it('draws a fresh page as live: the deleted line (in the served HTML too, without the text), the edited mark, the quote, reactions and a code block', async () => {
        await inLobby(bob);
        const bobWs = await people.client(bobUser);
        const asked = await sayOnSocket(carolWs, unique('asked') + '\n```\nnpm run migrate\n```');
        const taken = unique('taken back');
        const gone = await sayOnSocket(carolWs, taken);
        const typo = await sayOnSocket(carolWs, unique('typo'));
        const answer = unique('answer');
        carolWs.send({ type: 'chat', room: 'lobby', data: answer, replyTo: asked.id });
        const reply = await carolWs.next<ChatMessage>((m) => m.type === 'chat' && m.data === answer);
        carolWs.send({ type: 'delete', id: gone.id });
        const fixed = unique('fixed');
        carolWs.send({ type: 'edit', id: typo.id, data: fixed });
        carolWs.send({ type: 'react', id: asked.id, emoji: '👍' });
        bobWs.send({ type: 'react', id: asked.id, emoji: '👍' });
        await until('both reactions live', () => shown(bob.page, asked.id), (s) => s.reactions[0]?.count === 2);
        await until('the edit live', () => shown(bob.page, typo.id), (s) => s.edited);
        await until('the deletion live', () => shown(bob.page, gone.id), (s) => s.deleted);
        const ids = [asked.id, gone.id, typo.id, reply.id];
        const live = await Promise.all(ids.map((id) => shown(bob.page, id)));
        expect(live[0]?.reactions).toEqual([expect.objectContaining({ emoji: '👍', count: 2, pressed: true })]);
        // The quote reads as the message does: its code block's text, not its fences.
        expect(live[3]?.quote).toBe(`${carol.user.name} ${asked.data.replace(/```/gu, '').replace(/\s+/gu, ' ').trim()}`);

        // The page as the server sends it: the deleted one's row has the line in Bob's language and not its text.
        const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie: bobUser.cookie, 'accept-language': locale } })).text();
        expect(html).not.toContain(taken);
        const goneRow = html.slice(html.indexOf(`data-id="${gone.id}"`));
        expect(goneRow.slice(0, goneRow.indexOf('</li>'))).toContain(t('message.deleted'));

        await reloadChat(bob.page);
        expect(await Promise.all(ids.map((id) => shown(bob.page, id)))).toEqual(live);
        expect(await row(bob.page, asked.id).locator('.text pre code').textContent()).toBe('npm run migrate');
        expect(bob.pageErrors).toEqual([]);
      });

      it('makes the README picture: a reply, reactions, an edited and a deleted message and a code block', async () => {
        const room = `${lang === 'en' ? 'release' : 'fabu'}${Date.now() % 100000}`;
        await chat.createRoom(carol, room);
        const en = lang === 'en';
        const ws = await people.client(carol, [room]);
        await openRoom(alice.page, room);
        const plan = await sayOnSocket(ws, en ? 'Deploy plan for today: **migrate**, then _restart_ the workers.' : '今天的部署计划：先**迁移**，再重启工作进程（_约五分钟_）。', room);
        const oops = await sayOnSocket(ws, en ? 'Wrong channel, sorry' : '发错频道了，抱歉', room);
        ws.send({ type: 'delete', id: oops.id });
        await say(alice.page, en ? 'Sounds good. The command is:\n```\nnpm run migrate -- --to 8\n```' : '好的。命令是：\n```\nnpm run migrate -- --to 8\n```');
        const typo = en ? 'I will stat at 3 pm' : '我三点开使';
        await say(alice.page, typo);
        const typoId = Number((await waitForMessage(alice.page, typo)).id);
        await alice.page.locator('#input').press('ArrowUp');
        await alice.page.locator('#input').fill(en ? 'I will start at 3 pm' : '我三点开始');
        await alice.page.locator('#input').press('Enter');
        await until('the edit', () => shown(alice.page, typoId), (s) => s.edited);
        ws.send({ type: 'react', id: plan.id, emoji: '👍' });
        ws.send({ type: 'react', id: plan.id, emoji: '🚀' });
        await openMenuByKeyboard(alice.page, plan.id);
        await chooseByKeyboard(alice.page, 'reply');
        await say(alice.page, en ? 'On it: backing up first.' : '马上：先备份。');
        await until('a reply on screen', () => alice.page.locator('#scroller ol.messages:not([hidden]) .reply-quote:not([hidden])').count(), (n) => n === 1);
        await until('two reactions', () => shown(alice.page, plan.id), (s) => s.reactions.length === 2);
        await row(alice.page, plan.id).locator('.reaction').first().click();
        await until('mine too', () => shown(alice.page, plan.id), (s) => s.reactions[0]?.count === 2);
        await alice.page.evaluate(() => document.activeElement?.blur());
        await alice.page.mouse.move(0, 0);
        await readmeScreenshot(alice.page, `edits-${en ? 'en' : 'zh'}`);
        expect(alice.pageErrors).toEqual([]);
      });
    });
  }
});
