// The chat page in Chromium, in two languages: Chinese for a Chinese browser (text the page writes
// while running too), English with the link, and the choice kept; and the README screenshots of a
// lively page in both, each on a server of its own (written only with UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import { dm, say as sayOnSocket } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { useServer, type ServerFixture } from '../helpers/fixture.js';
import {
  badge,
  describeInChromium,
  dmButton,
  openRoom,
  reloadChat,
  roomButton,
  say,
  usePeople,
  visibleMessages,
  waitForMessage,
  type People,
} from '../helpers/page.js';
import { hasChineseFont } from '../helpers/screenshots.js';
import { until } from '../helpers/wait.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const requestAnimationFrame: (callback: () => void) => number;


describeInChromium('the page in two languages, in Chromium', () => {
  describe('Chinese and English', () => {
    const chat = useServer({ RATE_LIMIT: '0' });
    const people = usePeople(chat);

    it('speaks Chinese to a Chinese browser, switches to English with the link, and keeps the choice', async () => {
      const [bobUser, carol, ming] = await Promise.all([chat.signIn('Bob'), chat.signIn('Carol'), chat.signIn('王小明')]);
      const carolWs = await chat.connect(carol);
      const bob = await people.openAs(bobUser);
      const zh = await people.openAs(ming, { locale: 'zh-CN' });
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
      await page.goto(`${chat.server.url}/`); // without ?lang= now: the choice was remembered
      await page.waitForSelector('#status[data-state="online"]');
      expect(await ui()).toEqual(expected('en'));
      expect([...zh.pageErrors, ...zh.dialogs]).toEqual([]);
    });
  });

  // Each language on a server of its own: only its rooms and people in the pictures.
  for (const lang of ['en', 'zh-CN'] as const) {
    describe(`the README screenshots (${lang})`, () => {
      const chat = useServer({ RATE_LIMIT: '0' });
      const people = usePeople(chat);

      it(`makes the README screenshots of a lively page in ${lang === 'en' ? 'English' : 'Chinese'}`, async () => {
        const shots = await livelyScreenshots(chat, people, lang);
        expect(shots.desktop.length).toBeGreaterThan(20_000);
        expect(shots.phone.length).toBeGreaterThan(10_000);
        if (process.env.UPDATE_SCREENSHOTS !== '1') return; // a plain run leaves the committed pictures alone
        if (!hasChineseFont()) {
          console.warn('static/docs/*.png not updated: no Chinese font installed (Debian: apt-get install fonts-noto-cjk)');
          return;
        }
        const folder = path.join(ROOT_DIR, 'static/docs');
        fs.mkdirSync(folder, { recursive: true });
        const suffix = lang === 'en' ? 'en' : 'zh';
        fs.writeFileSync(path.join(folder, `chat-${suffix}.png`), shots.desktop);
        fs.writeFileSync(path.join(folder, `chat-phone-${suffix}.png`), shots.phone);
      }, 40_000);
    });
  }
});

/** A few rooms, some unread (one with a mention), a DM waiting, someone typing: desktop and phone pictures. */
async function livelyScreenshots(chat: ServerFixture, people: People, lang: Lang): Promise<{ desktop: Buffer; phone: Buffer }> {
  const zh = lang === 'zh-CN';
  const names = zh ? { me: '王小明', sam: '李雷', priya: '韩梅梅', dev: 'Sam' } : { me: 'Alice', sam: 'Sam', priya: 'Priya', dev: '王小明' };
  const rooms = zh ? ['发布', 'design', '随便聊聊'] : ['release', 'design', '随便聊聊'];
  const [release, , smallTalk] = rooms as [string, string, string];
  const [me, sam, priya, dev] = await Promise.all([chat.signIn(names.me), chat.signIn(names.sam), chat.signIn(names.priya), chat.signIn(names.dev)]);
  for (const room of rooms) await chat.createRoom(sam, room);
  const [samWs, priyaWs, devWs] = await Promise.all([sam, priya, dev].map((who) => people.client(who, rooms))) as [TestClient, TestClient, TestClient];

  const desk = await people.openAs(me, { viewport: { width: 1280, height: 800 }, locale: lang });
  for (const room of [...rooms, 'lobby']) await openRoom(desk.page, room);

  const post = async (who: TestClient | Page, text: string, room = 'lobby') => {
    if (who instanceof TestClient) {
      await sayOnSocket(who, text, room);
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
  for (const text of zh ? ['周五聚餐去哪儿？', '火锅！', '我投烤鸭一票'] : ['Lunch on Friday?', 'Hot pot!', '+1 for dumplings']) await post(devWs, text, smallTalk);
  await dm(priyaWs, me.user, zh ? '有空的话，发布后聊聊下个迭代？' : 'Got a minute after the release to talk about next sprint?');

  const phone = await people.openAs(me, { viewport: { width: 390, height: 844 }, locale: lang });
  await waitForMessage(phone.page, lobby[lobby.length - 1]?.[1] ?? '');

  // The page is as lively as intended before it is photographed.
  await until('# release: 2 unread with a mention', () => badge(desk.page, roomButton(release)), (b) => b.shown && b.count === 2 && b.mention);
  await until('# 随便聊聊: 3 unread', () => badge(desk.page, roomButton(smallTalk)), (b) => b.shown && b.count === 3);
  await until('a DM waiting', () => badge(desk.page, dmButton(priya.user.id)), (b) => b.shown && b.count === 1);
  expect((await visibleMessages(desk.page)).some((m) => m.mention)).toBe(true);

  samWs.send({ type: 'typing', room: 'lobby' });
  for (const page of [desk.page, phone.page]) {
    await until('someone typing', async () => ((await page.locator('#typing').textContent()) ?? '').trim(), (t) => t !== '');
    await page.locator('#input').blur();
    await page.evaluate(() => document.getElementById('scroller').scrollTo(0, 1e9));
  }
  // A frame painted after the scroll and the blur, so that the picture shows them.
  for (const page of [desk.page, phone.page]) await page.evaluate(() => new Promise<void>((painted) => requestAnimationFrame(() => requestAnimationFrame(() => painted()))));
  const desktop = await desk.page.screenshot({ animations: 'disabled' });
  const phoneShot = await phone.page.screenshot({ animations: 'disabled' });
  expect([...desk.pageErrors, ...phone.pageErrors, ...desk.dialogs, ...phone.dialogs]).toEqual([]);
  return { desktop, phone: phoneShot };
}
