// A message that did not go can be recovered (issue 17, item 1), in Chromium, en and zh: the reason
// shows on its bubble, in view, and above the box; the text stays (Retry, Edit back into the box,
// Discard) and survives a reload; one refused for the rate limit goes again by itself once the
// server's `retryAfter` allows, in order with the next one; and a counter shows as the text nears
// the server's limit (red past it), where Enter keeps the text instead of sending it.
// Skipped without /usr/bin/chromium.
import type { Page, WebSocketRoute } from 'playwright-core';
import { expect, it } from 'vitest';
import { personName, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, openChat, reloadChat, usePeople, visibleMessages, waitForMessage } from '../helpers/page.js';
import { readmeScreenshot } from '../helpers/screenshots.js';
import { until } from '../helpers/wait.js';

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const MAX = 40;
const RATE_LIMIT = 3;

const WORDS = {
  'en-US': {
    unavailable: 'The chat cannot reach its storage just now: try again in a moment',
    retryingIn: /^Too many messages: sending it again in \d+ s$/,
    notSent: 'Not sent',
    tooLong: `A message may have at most ${MAX} characters`,
    actions: ['Retry', 'Edit', 'Discard'],
  },
  'zh-CN': {
    unavailable: '聊天室暂时连不上它的存储，请稍后再试',
    retryingIn: /^发得太快了：\d+ 秒后自动重发$/,
    notSent: '发送失败',
    tooLong: `一条消息最多 ${MAX} 个字符`,
    actions: ['重试', '编辑', '丢弃'],
  },
} as const;

/** What the page shows of my failed message with this text: why, its actions, whether it is in view. */
function failedRow(page: Page, text: string) {
  return page.evaluate((wanted: string) => {
    const item = [...document.querySelectorAll('#scroller ol.messages:not([hidden]) li.message.failed')].find(
      (li: any) => li.querySelector('.text')?.textContent === wanted, // eslint-disable-line @typescript-eslint/no-explicit-any
    );
    if (!item) return undefined;
    const scroller = document.getElementById('scroller').getBoundingClientRect();
    const box = item.getBoundingClientRect();
    return {
      time: item.querySelector('time')?.textContent ?? '',
      reason: item.querySelector('.failed-reason')?.textContent ?? '',
      actions: [...item.querySelectorAll('.failed-note button')].map((b: any) => b.textContent), // eslint-disable-line @typescript-eslint/no-explicit-any
      inView: box.top >= scroller.top - 1 && box.bottom <= scroller.bottom + 1,
    };
  }, text);
}

function flashText(page: Page): Promise<string | null> {
  return page.locator('#flash:not([hidden])').textContent({ timeout: 5000 });
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

/**
 * The server "out of reach" for the page's chats while `refusing`: each gets `unavailable` back, as
 * with PostgreSQL away; everything else passes. In place before the page opens its socket.
 */
async function refuseChats(page: Page): Promise<{ refusing: boolean }> {
  const route = { refusing: true };
  await page.routeWebSocket(/\/ws\/chat/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      const message = typeof frame === 'string' ? (JSON.parse(frame) as { type?: string; ref?: string }) : {};
      if (route.refusing && message.type === 'chat') {
        ws.send(JSON.stringify({ type: 'error', data: { code: 'unavailable', message: 'unavailable' }, ref: message.ref }));
      } else server.send(frame);
    });
  });
  return route;
}

describeInChromium('unsent messages in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: String(RATE_LIMIT), MAX_MESSAGE_LENGTH: String(MAX) });
  const people = usePeople(chat);

  for (const locale of ['en-US', 'zh-CN'] as const) {
    const words = WORDS[locale];

    it(`sends a rate-limited message again by itself when the limit allows, in order, saying so meanwhile (${locale})`, async () => {
      const [me, carol] = [await chat.signIn(personName('Quick')), await chat.signIn(personName('Carol'))];
      const carolWs = await people.client(carol);
      const person = await people.openAs(me, { locale });
      const { page } = person;
      const allowed = Array.from({ length: RATE_LIMIT }, (_, i) => unique(`ok ${i}`).slice(0, MAX));
      for (const text of allowed) await send(page, text);
      const over = unique('over').slice(0, MAX);
      const next = unique('next').slice(0, MAX);
      await send(page, over);
      await until('the refused message marked', () => failedRow(page, over), (row) => row !== undefined);
      await send(page, next);

      const row = (await failedRow(page, over))!;
      expect(row.time).toBe(words.notSent);
      expect(row.reason).toMatch(words.retryingIn);
      expect(row.actions).toEqual(words.actions.slice(1)); // it retries by itself: Edit and Discard only
      expect(row.inView).toBe(true);
      expect(await flashText(page)).toMatch(words.retryingIn);
      expect(await page.locator('#input').inputValue()).toBe('');
      // The README's picture: the refused message saying why, and the counter by a text near the limit.
      const draft = locale === 'en-US' ? 'Back in ten minutes with the rest of it' : '十分钟后回来，剩下的等我开完会再一起过一遍，先别合并那个分支，谢谢大家哈哈哈';
      await page.locator('#input').fill(draft);
      await until('the counter shown', () => page.locator('.composer-counter:not([hidden])').count(), (n) => n === 1);
      await readmeScreenshot(page, `unsent-${locale === 'en-US' ? 'en' : 'zh'}`);
      await page.locator('#input').fill('');

      // Within the window (10 s) and a little: both reach Carol, in the order written, once each.
      const got: string[] = [];
      for (const text of [...allowed, over, next]) {
        const message = await carolWs.next((m) => m.type === 'chat' && m.data === text, 20_000);
        got.push(message.type === 'chat' ? message.data : '');
      }
      expect(got).toEqual([...allowed, over, next]);
      await waitForMessage(page, next);
      const rows = (await visibleMessages(page)).slice(-RATE_LIMIT - 2);
      expect(rows.map((r) => [r.text, r.pending])).toEqual([...allowed, over, next].map((text) => [text, false]));
      expect(await page.locator('li.message.failed').count()).toBe(0);
      await carolWs.settle();
      expect(carolWs.pending((m) => m.type === 'chat' && (m.data === over || m.data === next))).toEqual([]);
      expect(person.pageErrors).toEqual([]);
    }, 60_000);

    it(`shows why a message was refused, keeps it over a reload, and offers Retry, Edit and Discard (${locale})`, async () => {
      const [me, carol] = [await chat.signIn(personName('Unlucky')), await chat.signIn(personName('Carol'))];
      const carolWs = await people.client(carol);
      const person = await people.launch({ locale });
      const { page } = person;
      const route = await refuseChats(page);
      // The route is in place before the page opens its socket.
      await openChat(person, chat.server.url, me.cookie);

      const [kept, retried, dropped] = [unique('edit me').slice(0, MAX), unique('retry me').slice(0, MAX), unique('drop me').slice(0, MAX)];
      for (const text of [kept, retried, dropped]) {
        await send(page, text);
        await until(`"${text}" marked as not sent`, () => failedRow(page, text), (row) => row !== undefined);
      }
      const row = (await failedRow(page, dropped))!;
      expect(row).toEqual({ time: words.notSent, reason: words.unavailable, actions: [...words.actions], inView: true });
      expect(await flashText(page)).toBe(words.unavailable);
      expect(await page.locator('#input').inputValue()).toBe('');

      // A reload keeps all three, still not sent, with the reason and the actions.
      await reloadChat(page);
      for (const text of [kept, retried, dropped]) {
        expect(await failedRow(page, text)).toMatchObject({ time: words.notSent, reason: words.unavailable, actions: [...words.actions] });
      }

      // Discard: gone, and not back after a reload.
      await page.locator('li.message.failed', { hasText: dropped }).locator('[data-unsent="discard"]').click();
      expect(await failedRow(page, dropped)).toBeUndefined();
      // Edit: the text back in the box, the bubble gone; a reload keeps it there (the draft).
      await page.locator('li.message.failed', { hasText: kept }).locator('[data-unsent="edit"]').click();
      expect(await page.locator('#input').inputValue()).toBe(kept);
      expect(await failedRow(page, kept)).toBeUndefined();
      await reloadChat(page);
      expect(await page.locator('#input').inputValue()).toBe(kept);
      expect(await failedRow(page, dropped)).toBeUndefined();

      // The server answers again: Retry sends the one left, Enter the one in the box.
      route.refusing = false;
      await page.locator('li.message.failed', { hasText: retried }).locator('[data-unsent="retry"]').click();
      await carolWs.next((m) => m.type === 'chat' && m.data === retried);
      await page.locator('#input').press('Enter');
      await carolWs.next((m) => m.type === 'chat' && m.data === kept);
      await waitForMessage(page, kept);
      await reloadChat(page);
      expect(await page.locator('li.message.failed').count()).toBe(0);
      expect((await visibleMessages(page)).filter((r) => r.text === dropped)).toEqual([]);
      expect(person.pageErrors).toEqual([]);
    });

    it(`takes a failed answer back into the box still answering its message (${locale})`, async () => {
      const [me, carol] = [await chat.signIn(personName('Answerer')), await chat.signIn(personName('Carol'))];
      const carolWs = await people.client(carol);
      const person = await people.launch({ locale });
      const { page } = person;
      const route = await refuseChats(page);
      await openChat(person, chat.server.url, me.cookie);
      const question = unique('a question').slice(0, MAX);
      carolWs.send({ type: 'chat', data: question });
      const asked = await waitForMessage(page, question);
      const item = page.locator(`li.message[data-id="${asked.id}"]`);
      await item.hover();
      await item.locator('.message-actions').click();
      await page.locator('#message-menu [data-action="reply"]').click();
      const answer = unique('the answer').slice(0, MAX);
      await send(page, answer);
      await until('the answer marked as not sent', () => failedRow(page, answer), (row) => row !== undefined);
      expect(await page.locator('#composer-context').isHidden()).toBe(true);

      await page.locator('li.message.failed', { hasText: answer }).locator('[data-unsent="edit"]').click();
      expect(await page.locator('#input').inputValue()).toBe(answer);
      expect(await page.locator('#composer-context-text').textContent()).toContain(carol.user.name);
      route.refusing = false;
      await page.locator('#input').press('Enter');
      const got = await carolWs.next((m) => m.type === 'chat' && m.data === answer);
      expect(got.type === 'chat' ? got.replyTo?.id : undefined).toBe(Number(asked.id));
      expect(person.pageErrors).toEqual([]);
    });

    it(`counts characters as the server does near the limit, red past it, and keeps a text too long to send (${locale})`, async () => {
      const me = await chat.signIn(personName('Wordy'));
      const person = await people.openAs(me, { locale });
      const { page } = person;
      const counter = page.locator('#counter');
      const box = page.locator('#input');
      const state = () => counter.evaluate((el: any) => ({ shown: !el.hidden, text: el.textContent, over: el.classList.contains('over') })); // eslint-disable-line @typescript-eslint/no-explicit-any

      await box.fill('x'.repeat(MAX * 0.9 - 1));
      expect((await state()).shown).toBe(false);
      await box.press('x');
      expect(await state()).toEqual({ shown: true, text: `${MAX * 0.9}/${MAX}`, over: false });
      // An emoji is one character, and the spaces around the text are not counted (the server trims).
      await box.fill(`  ${'😀'.repeat(MAX)}  `);
      expect(await state()).toEqual({ shown: true, text: `${MAX}/${MAX}`, over: false });
      // A `/msg name message` in a room sends its message alone: only that counts.
      await box.fill(`/msg Someone ${'😀'.repeat(MAX)}`);
      expect(await state()).toEqual({ shown: true, text: `${MAX}/${MAX}`, over: false });
      await box.fill(`${'😀'.repeat(MAX)}x`);
      expect(await state()).toEqual({ shown: true, text: `${MAX + 1}/${MAX}`, over: true });
      const color = await counter.evaluate((el: any) => getComputedStyle(el).color); // eslint-disable-line @typescript-eslint/no-explicit-any
      const normal = await page.locator('.composer-hint').evaluate((el: any) => getComputedStyle(el).color); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(color).not.toBe(normal);

      // Enter: nothing goes, the text stays, and the reason shows above the box.
      const before = (await visibleMessages(page)).length;
      await box.press('Enter');
      expect(await flashText(page)).toBe(words.tooLong);
      expect(await box.inputValue()).toBe(`${'😀'.repeat(MAX)}x`);
      expect((await visibleMessages(page)).length).toBe(before);
      await box.press('Backspace');
      await box.press('Enter');
      await waitForMessage(page, '😀'.repeat(MAX));
      expect(await state()).toMatchObject({ shown: false });
      expect(person.pageErrors).toEqual([]);
    });
  }
});

declare function getComputedStyle(element: unknown): { color: string };
