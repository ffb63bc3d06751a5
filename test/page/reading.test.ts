// The chat page in Chromium, reading: scrolling back through a long history (older pages keep the
// message on top in place), permalinks that load what they point to, and search (Chinese included,
// never outside one's own rooms) opening a result in its room. The two languages and the README
// screenshots are in languages.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/protocol/index.js';
import { settlePage, type Person } from '../helpers/browser.js';
import { chatWith, dm, join, say as post } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, openRoom, usePeople, visibleMessages } from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where a message is on screen, and where the scrolling box is. */
function place(page: Page, id: number): Promise<{ top: number; bottom: number; boxTop: number; boxBottom: number } | null> {
  return page.evaluate((messageId: number) => {
    const item = document.querySelector(`#scroller ol.messages:not([hidden]) li.message[data-id="${messageId}"]`);
    if (!item) return null;
    const box = document.getElementById('scroller').getBoundingClientRect();
    const rect = item.getBoundingClientRect();
    return { top: rect.top as number, bottom: rect.bottom as number, boxTop: box.top as number, boxBottom: box.bottom as number };
  }, id);
}

/** One message as seen, and where it is: what the waits below report when they time out. */
async function lookAt(page: Page, id: number) {
  const row = (await visibleMessages(page)).find((r) => Number(r.id) === id);
  return { at: await place(page, id), row, shown: (await visibleMessages(page)).length };
}

const inView = (p: { top: number; bottom: number; boxTop: number; boxBottom: number } | null) =>
  p !== null && p.top >= p.boxTop - 1 && p.bottom <= p.boxBottom + 1;

/** Sends many chat messages at once from a ws client and waits for the last echo; their ids, in order. */
async function flood(client: TestClient, room: string, texts: string[]): Promise<number[]> {
  for (const data of texts) client.send({ type: 'chat', room, data });
  const ids: number[] = [];
  for (const data of texts) ids.push((await client.next<ChatMessage>(chatWith(data), 10_000)).id);
  return ids;
}

describeInChromium('reading: scrollback, permalinks and search in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  let carol: SignedIn;
  let aliceWs: TestClient;
  let carolWs: TestClient;
  /** The ids of the 150 lobby messages, oldest first. */
  let floodIds: number[] = [];

  beforeAll(async () => {
    [aliceUser, bobUser, carol] = await Promise.all([chat.signIn('Alice'), chat.signIn('Bob'), chat.signIn('Carol')]);
    [aliceWs, carolWs] = await Promise.all([people.client(aliceUser), people.client(carol)]);
    floodIds = await flood(
      aliceWs,
      'lobby',
      Array.from({ length: 150 }, (_, i) => `Message ${i + 1} of 150${i % 3 === 0 ? `: ${'a longer line of text '.repeat(4)}` : ''}`.trim()),
    );
    bob = await people.openAs(bobUser);
  });

  it('loads older pages when scrolled to the top, keeping the message that was on top where it was', async () => {
    const { page } = bob;
    const count = async () => (await visibleMessages(page)).length;
    const first = async () => Number((await visibleMessages(page))[0]?.id);
    expect(await count()).toBe(50);
    expect(await first()).toBe(floodIds[100]);

    for (const expected of [100, 150]) {
      const anchor = await first();
      // Scrolled to the very top; where the top message is, measured before any page can arrive.
      const before = await page.evaluate((id: number) => {
        document.getElementById('scroller').scrollTop = 0;
        return document.querySelector(`li.message[data-id="${id}"]`).getBoundingClientRect().top as number;
      }, anchor);
      await until(`${expected} messages after scrolling to the top`, count, (n) => n >= expected);
      // Another page the page may have asked for on the way would have come before this answer.
      await settlePage(page);
      const after = await place(page, anchor);
      expect(after, `message ${anchor} still on the page`).not.toBeNull();
      expect(Math.abs((after?.top ?? 0) - before), `message ${anchor} moved from ${before} to ${after?.top}`).toBeLessThanOrEqual(10);
      expect(inView(after)).toBe(true);
    }
    // Once more: nothing older is left, the button goes, and every message is there once, in order.
    await page.locator('#scroller').evaluate((el) => (el.scrollTop = 0));
    await page.locator('#older').waitFor({ state: 'hidden' });
    const ids = (await visibleMessages(page)).map((m) => Number(m.id));
    expect(ids).toEqual(floodIds);
    expect(await page.locator('#scroller ol.messages:not([hidden]) li.message').first().locator('.text').textContent()).toMatch(/^Message 1 of 150/);
  });

  it('opens a permalink with the message in view and highlighted, loading older pages as needed', async () => {
    const target = floodIds[4] as number;
    const page = await bob.context.newPage();
    try {
      await page.goto(`${chat.server.url}/#room=lobby&message=${target}`);
      await page.waitForSelector('#status[data-state="online"]');
      const seen = await until(
        `message ${target} in view and highlighted`,
        () => lookAt(page, target),
        ({ at, row }) => inView(at) && row?.highlight === true,
      );
      expect(seen.row?.text).toBe('Message 5 of 150');
      expect(await conversationTitle(page)).toBe('# lobby');
      // Only that one is highlighted.
      expect((await visibleMessages(page)).filter((r) => r.highlight)).toHaveLength(1);
    } finally {
      await page.close();
    }
  });

  it('searches the messages a person may read, Chinese included, and opens a result in its room', async () => {
    const { page } = bob;
    for (const room of ['dev', 'secret']) await chat.createRoom(carol, room);
    await join(aliceWs, 'dev');
    await join(carolWs, 'secret');
    // Bob joins # dev from the page; # secret is not his.
    await openRoom(page, 'dev');
    await openRoom(page, 'lobby');

    await post(carolWs, '大家你好啊');
    const [deployId] = await flood(aliceWs, 'dev', ['deploy plan: friday 部署']);
    // Enough after it that opening it has to load older pages of # dev.
    await flood(aliceWs, 'dev', Array.from({ length: 60 }, (_, i) => `dev chatter ${i + 1}`));
    await post(carolWs, 'secret deploy 你好 plan', 'secret');
    await dm(carolWs, aliceUser.user, 'deploy between Carol and Alice 你好');

    const results = async () =>
      page.locator('#results-list button.result').evaluateAll((buttons) => buttons.map((b) => b.querySelector('.text')?.textContent ?? ''));
    const search = async (query: string) => {
      await page.locator('#search-input').fill(query);
      await page.locator('#search-input').press('Enter');
      await page.locator('#results').waitFor({ state: 'visible' });
    };

    await search('你好');
    const chinese = await until('a result for 你好', results, (r) => r.length > 0);
    expect(chinese).toContain('大家你好啊');
    expect(chinese).not.toContain('secret deploy 你好 plan');
    expect(chinese).not.toContain('deploy between Carol and Alice 你好');
    await page.locator('#results-close').click();
    expect(await page.locator('#results').isVisible()).toBe(false);

    await search('deploy');
    const found = await until('a result for deploy', results, (r) => r.length > 0);
    expect(found).toEqual(['deploy plan: friday 部署']);

    await search('nothing-like-this-anywhere');
    await until('no results', results, (r) => r.length === 0);
    expect(((await page.locator('#results-title').textContent()) ?? '').trim()).not.toBe('');

    await search('deploy');
    await until('the deploy result again', results, (r) => r.length === 1);
    await page.locator('#results-list button.result').first().click();
    await until('# dev opened from the result', () => conversationTitle(page), (t) => t === '# dev');
    expect(await page.locator('#results').isVisible()).toBe(false);
    const opened = await until(
      'the found message in view and highlighted',
      () => lookAt(page, deployId as number),
      ({ at, row }) => inView(at) && row?.highlight === true,
    );
    expect(opened.row?.text).toBe('deploy plan: friday 部署');
    expect((await visibleMessages(page)).some((r) => r.text === 'dev chatter 60')).toBe(true);
    await openRoom(page, 'lobby');
  });
});
