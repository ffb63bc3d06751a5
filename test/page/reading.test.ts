// The chat page in Chromium, part 3: reading. Scrolling back through a long history, permalinks,
// search (Chinese included, never outside one's own rooms), the two languages, and the README
// screenshots of a lively page in both (written only with UPDATE_SCREENSHOTS=1).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import {
  badge,
  chromiumAvailable,
  conversationTitle,
  createRoomAs,
  dmButton,
  launchPerson,
  openChat,
  reloadChat,
  roomButton,
  say,
  sleep,
  until,
  visibleMessages,
  waitForMessage,
  type Person,
} from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasChromium = chromiumAvailable();

const isChat = (text: string) => (m: ServerMessage) => m.type === 'chat' && m.data === text;

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
  for (const data of texts) ids.push((await client.next<ChatMessage>(isChat(data), 10_000)).id);
  return ids;
}

function hasChineseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

describe.skipIf(!hasChromium)('reading: scrollback, permalinks, search and languages in Chromium', () => {
  let server: TestServer;
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  let carol: SignedIn;
  let aliceWs: TestClient;
  let carolWs: TestClient;
  const people: Person[] = [];
  /** The ids of the 150 lobby messages, oldest first. */
  let floodIds: number[] = [];

  beforeAll(async () => {
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
    [aliceUser, bobUser, carol] = await Promise.all([signIn(server.url, 'Alice'), signIn(server.url, 'Bob'), signIn(server.url, 'Carol')]);
    [aliceWs, carolWs] = await Promise.all([TestClient.ready(server.wsUrl, aliceUser.cookie), TestClient.ready(server.wsUrl, carol.cookie)]);
    floodIds = await flood(
      aliceWs,
      'lobby',
      Array.from({ length: 150 }, (_, i) => `Message ${i + 1} of 150${i % 3 === 0 ? `: ${'a longer line of text '.repeat(4)}` : ''}`.trim()),
    );
    bob = await launchPerson();
    people.push(bob);
    await openChat(bob, server.url, bobUser.cookie);
  });

  afterAll(async () => {
    await aliceWs?.close();
    await carolWs?.close();
    for (const person of people) await person?.close();
    await server?.close();
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
      await sleep(150);
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
      await page.goto(`${server.url}/#room=lobby&message=${target}`);
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
    for (const room of ['dev', 'secret']) expect(await createRoomAs(server.url, carol.cookie, room)).toBe(201);
    for (const [client, room] of [[aliceWs, 'dev'], [carolWs, 'secret']] as const) {
      client.send({ type: 'join', room });
      await client.next((m) => m.type === 'list' && m.room === room);
    }
    // Bob joins # dev from the page; # secret is not his.
    await page.locator(roomButton('dev')).click();
    await until('# dev', () => conversationTitle(page), (t) => t === '# dev');
    await page.locator(roomButton('lobby')).click();
    await until('# lobby', () => conversationTitle(page), (t) => t === '# lobby');

    carolWs.send({ type: 'chat', data: '大家你好啊' });
    await carolWs.next(isChat('大家你好啊'));
    const [deployId] = await flood(aliceWs, 'dev', ['deploy plan: friday 部署']);
    // Enough after it that opening it has to load older pages of # dev.
    await flood(aliceWs, 'dev', Array.from({ length: 60 }, (_, i) => `dev chatter ${i + 1}`));
    carolWs.send({ type: 'chat', room: 'secret', data: 'secret deploy 你好 plan' });
    await carolWs.next(isChat('secret deploy 你好 plan'));
    carolWs.send({ type: 'dm', to: aliceUser.user.id, data: 'deploy between Carol and Alice 你好' });
    await carolWs.next((m) => m.type === 'dm');

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
    await page.locator(roomButton('lobby')).click();
  });

  it('speaks Chinese to a Chinese browser, switches to English with the link, and keeps the choice', async () => {
    const zh = await launchPerson({ locale: 'zh-CN' });
    people.push(zh);
    const ming = await signIn(server.url, '王小明');
    await openChat(zh, server.url, ming.cookie);
    const { page } = zh;
    const ui = async () =>
      page.evaluate(() => ({
        lang: document.documentElement.lang as string,
        dataLang: document.body.dataset.lang as string,
        rooms: (document.querySelector('#sidebar h2')?.textContent ?? '').trim() as string,
        status: (document.getElementById('status-text')?.textContent ?? '').trim() as string,
        placeholder: document.getElementById('input').placeholder as string,
        create: (document.querySelector('#new-room button')?.textContent ?? '').trim() as string,
        title: document.title as string,
      }));
    const expected = (lang: Lang) => ({
      lang,
      dataLang: lang,
      rooms: translate(lang, 'sidebar.rooms'),
      status: translate(lang, 'status.online'),
      placeholder: translate(lang, 'composer.placeholderRoom', { room: 'lobby' }),
      create: translate(lang, 'rooms.create'),
      title: translate(lang, 'title.room', { room: 'lobby' }),
    });
    expect(await ui()).toEqual(expected('zh-CN'));
    expect(await page.locator('#composer button[type="submit"]').textContent()).toBe(translate('zh-CN', 'composer.send'));
    // Text the page writes itself while running is Chinese too.
    carolWs.send({ type: 'typing', room: 'lobby' });
    await until('the typing line in Chinese', async () => ((await page.locator('#typing').textContent()) ?? '').trim(), (t) => t === translate('zh-CN', 'typing.one', { name: 'Carol' }));

    // English for Bob, whose browser asks for it.
    expect(await bob.page.evaluate(() => document.documentElement.lang as string)).toBe('en');

    const toEnglish = page.locator('a[hreflang="en"]');
    expect(await toEnglish.isVisible()).toBe(true);
    await Promise.all([page.waitForURL(/lang=en/), toEnglish.click()]);
    await page.waitForSelector('#status[data-state="online"]');
    expect(await ui()).toEqual(expected('en'));
    expect(await page.locator('a[hreflang="zh-CN"]').isVisible()).toBe(true);

    await reloadChat(page);
    expect(await ui()).toEqual(expected('en'));
    await page.goto(`${server.url}/`); // without ?lang= now: the choice was remembered
    await page.waitForSelector('#status[data-state="online"]');
    expect(await ui()).toEqual(expected('en'));
    expect([...zh.pageErrors, ...zh.dialogs]).toEqual([]);
  });

  it('makes the README screenshots of a lively page, in English and in Chinese', async () => {
    const write = process.env.UPDATE_SCREENSHOTS === '1';
    for (const lang of ['en', 'zh-CN'] as const) {
      const shots = await livelyScreenshots(lang);
      expect(shots.desktop.length).toBeGreaterThan(20_000);
      expect(shots.phone.length).toBeGreaterThan(10_000);
      if (!write) continue; // a plain run leaves the committed pictures alone
      if (!hasChineseFont()) {
        console.warn('static/docs/*.png not updated: no Chinese font installed (Debian: apt-get install fonts-noto-cjk)');
        continue;
      }
      const folder = path.join(ROOT_DIR, 'static/docs');
      fs.mkdirSync(folder, { recursive: true });
      const suffix = lang === 'en' ? 'en' : 'zh';
      fs.writeFileSync(path.join(folder, `chat-${suffix}.png`), shots.desktop);
      fs.writeFileSync(path.join(folder, `chat-phone-${suffix}.png`), shots.phone);
    }
  }, 40_000);
});

/** A few rooms, some unread (one with a mention), a DM waiting, someone typing: desktop and phone pictures. */
async function livelyScreenshots(lang: Lang): Promise<{ desktop: Buffer; phone: Buffer }> {
  const zh = lang === 'zh-CN';
  const shots = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
  const opened: Person[] = [];
  const clients: TestClient[] = [];
  try {
    const names = zh ? { me: '王小明', sam: '李雷', priya: '韩梅梅', dev: 'Sam' } : { me: 'Alice', sam: 'Sam', priya: 'Priya', dev: '王小明' };
    const rooms = zh ? ['发布', 'design', '随便聊聊'] : ['release', 'design', '随便聊聊'];
    const [release, , chat] = rooms as [string, string, string];
    const [me, sam, priya, dev] = await Promise.all([names.me, names.sam, names.priya, names.dev].map((name) => signIn(shots.url, name)));
    for (const room of rooms) expect(await createRoomAs(shots.url, (sam as SignedIn).cookie, room)).toBe(201);
    const ws = await Promise.all([sam, priya, dev].map((who) => TestClient.ready(shots.wsUrl, (who as SignedIn).cookie)));
    clients.push(...ws);
    const [samWs, priyaWs, devWs] = ws as [TestClient, TestClient, TestClient];
    for (const client of ws) {
      for (const room of rooms) {
        client.send({ type: 'join', room });
        await client.next((m) => m.type === 'list' && m.room === room);
      }
    }

    const desk = await launchPerson({ viewport: { width: 1280, height: 800 }, locale: lang });
    opened.push(desk);
    await openChat(desk, shots.url, (me as SignedIn).cookie);
    for (const room of [...rooms, 'lobby']) {
      await desk.page.locator(roomButton(room)).click();
      await until(`# ${room}`, () => conversationTitle(desk.page), (t) => t === `# ${room}`);
    }

    const post = async (who: TestClient | Page, text: string, room = 'lobby') => {
      if (who instanceof TestClient) {
        who.send({ type: 'chat', room, data: text });
        await who.next(isChat(text));
      } else {
        await say(who, text);
        await waitForMessage(who, text);
      }
    };
    const lobby: [TestClient | Page, string][] = zh
      ? [
          [samWs, '早上好！下午三点的发布还照常吗？'],
          [desk.page, '照常。我先把数据库备份好，大概十分钟。'],
          [devWs, "I'll keep an eye on the dashboards while it rolls out."],
          [priyaWs, '发布说明草稿在这里：https://example.com/release-notes'],
          [samWs, `@${names.me} 备份好了在这里说一声，我再开始迁移。`],
          [desk.page, '没问题，交给我。'],
        ]
      : [
          [samWs, 'Morning all! Is the release still on for 3 pm?'],
          [desk.page, "Yes, 3 pm sharp. I'm backing up the database first, about ten minutes."],
          [devWs, '我来盯着监控面板。'],
          [priyaWs, 'Draft release notes are here: https://example.com/release-notes'],
          [samWs, `@${names.me} shout when the backup is done and I'll start the migration.`],
          [desk.page, 'Will do, thanks!'],
        ];
    for (const [who, text] of lobby) await post(who, text);

    // Unread elsewhere: # release with a mention, # 随便聊聊 plain, and a DM.
    await post(samWs, zh ? '迁移脚本已经合并了。' : 'The migration script is merged.', release);
    await post(priyaWs, zh ? `@${names.me} 能帮忙看一下回滚步骤吗？` : `@${names.me} could you look over the rollback steps?`, release);
    for (const text of zh ? ['周五聚餐去哪儿？', '火锅！', '我投烤鸭一票'] : ['Lunch on Friday?', 'Hot pot!', '+1 for dumplings']) await post(devWs, text, chat);
    priyaWs.send({ type: 'dm', to: (me as SignedIn).user.id, data: zh ? '有空的话，发布后聊聊下个迭代？' : 'Got a minute after the release to talk about next sprint?' });
    await priyaWs.next((m) => m.type === 'dm');

    const phone = await launchPerson({ viewport: { width: 390, height: 844 }, locale: lang });
    opened.push(phone);
    await openChat(phone, shots.url, (me as SignedIn).cookie);
    await waitForMessage(phone.page, lobby[lobby.length - 1]?.[1] ?? '');

    // The page is as lively as intended before it is photographed.
    await until('# release: 2 unread with a mention', () => badge(desk.page, roomButton(release)), (b) => b.shown && b.count === 2 && b.mention);
    await until('# 随便聊聊: 3 unread', () => badge(desk.page, roomButton(chat)), (b) => b.shown && b.count === 3);
    await until('a DM waiting', () => badge(desk.page, dmButton((priya as SignedIn).user.id)), (b) => b.shown && b.count === 1);
    expect((await visibleMessages(desk.page)).some((m) => m.mention)).toBe(true);

    samWs.send({ type: 'typing', room: 'lobby' });
    for (const page of [desk.page, phone.page]) {
      await until('someone typing', async () => ((await page.locator('#typing').textContent()) ?? '').trim(), (t) => t !== '');
      await page.locator('#input').blur();
      await page.evaluate(() => document.getElementById('scroller').scrollTo(0, 1e9));
    }
    await sleep(100);
    const desktop = await desk.page.screenshot({ animations: 'disabled' });
    const phoneShot = await phone.page.screenshot({ animations: 'disabled' });
    expect([...desk.pageErrors, ...phone.pageErrors, ...desk.dialogs, ...phone.dialogs]).toEqual([]);
    return { desktop, phone: phoneShot };
  } finally {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const person of opened) await person.close();
    await shots.close();
  }
}
