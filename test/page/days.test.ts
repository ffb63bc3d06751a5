// Date lines between days in the message list (issue 17, item 10): "Today", "Yesterday", else the
// date, in the page's language and the reader's time zone; on the page the server rendered, on older
// pages put on top, and before a live message that starts a new day. Messages of earlier days are
// put in the store while the server is stopped. In Chromium, en (New York) and zh (Shanghai).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../../src/identity/users.js';
import { translate, type Lang } from '../../src/shared/i18n/index.js';
import { LOBBY } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { say } from '../helpers/chat.js';
import { useServer, type ServerFixture } from '../helpers/fixture.js';
import { describeInChromium, openChat, usePeople, waitForMessage, type People } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Midnight UTC of today, as the test starts. */
const todayUtc = Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** 23:30 UTC three days ago: the day before in New York's evening, the next morning in Shanghai. */
const lateOld = todayUtc - 3 * DAY_MS + 23.5 * 60 * 60 * 1000;
const OLD = ['old 0', 'old 1', 'old 2'];
const YESTERDAY = ['yesterday 0', 'yesterday 1', 'yesterday 2', 'yesterday 3', 'yesterday 4'];

/** Puts the messages of earlier days in the lobby, while the server is stopped. */
async function seedEarlierDays(chat: ServerFixture): Promise<void> {
  await chat.restart({
    between: (dataDir) => {
      const store = new SqliteEngine(dataDir);
      try {
        const author = newUser('Old Timer');
        store.addUser(author, lateOld - 1000);
        store.beginBatch();
        OLD.forEach((data, i) => store.addChat({ room: LOBBY, user: author, data, ts: lateOld + i * 1000 }));
        YESTERDAY.forEach((data, i) => store.addChat({ room: LOBBY, user: author, data, ts: yesterday + i * 1000 }));
        store.commitBatch();
      } finally {
        store.close();
      }
    },
  });
}

/** A day as `YYYY-MM-DD` in a time zone. */
const dayIn = (ts: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ts);

/** The day before `now`'s in a time zone, as `YYYY-MM-DD`. */
function yesterdayIn(timeZone: string, now = Date.now()): string {
  const [y, m, d] = dayIn(now, timeZone).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** The date line a message of `ts` should have above it, for a reader in `timeZone`: its day, and "Today", "Yesterday" or `date`. */
function expectedLine(ts: number, timeZone: string, lang: Lang, now = Date.now()): string {
  const day = dayIn(ts, timeZone);
  const label = day === dayIn(now, timeZone) ? translate(lang, 'messages.today') : day === yesterdayIn(timeZone, now) ? translate(lang, 'messages.yesterday') : 'date';
  return `— ${day} ${label}`;
}

/** The list on screen, as lines: `— <day> <label>` for a date line (`date` for a date), the text for a message. */
function lines(page: Page, lang: Lang): Promise<string[]> {
  const named = [translate(lang, 'messages.today'), translate(lang, 'messages.yesterday')];
  return page.locator('#scroller ol.messages:not([hidden]) > li:is(.message, .day-separator)').evaluateAll(
    (items, named) =>
      items.map((li) => {
        if (!li.classList.contains('day-separator')) return (li.querySelector('.text')?.textContent ?? '').trim();
        const time = li.querySelector('time');
        const label = (time?.textContent ?? '').trim();
        const day = time?.getAttribute('datetime') ?? '';
        // A date names its day of the month.
        const shown = named.includes(label) ? label : label.includes(String(Number(day.slice(8)))) ? 'date' : `unexpected: ${label}`;
        return `— ${day} ${shown}`;
      }),
    named,
  );
}

const readers = [
  { locale: 'en-US', lang: 'en', timeZone: 'America/New_York' },
  { locale: 'zh-CN', lang: 'zh-CN', timeZone: 'Asia/Shanghai' },
] as const;

/**
 * A time in the middle of what is yesterday for every reader, whatever the hour of the run: New
 * York's and Shanghai's days overlap by 11 hours at least (noon UTC yesterday is still today in
 * New York until 05:00 UTC, and those messages then went under today's line).
 */
function yesterdayForEveryReader(now = Date.now()): number {
  const hours: number[] = [];
  for (let h = 48; h > 0; h--) {
    const ts = now - h * 3_600_000;
    if (readers.every(({ timeZone }) => dayIn(ts, timeZone) === yesterdayIn(timeZone, now))) hours.push(ts);
  }
  return hours[Math.floor(hours.length / 2)]!;
}
const yesterday = yesterdayForEveryReader();

async function openLobby(chat: ServerFixture, people: People, reader: (typeof readers)[number]) {
  const who = await chat.signIn('Reader');
  const person = await people.launch({ locale: reader.locale, timezoneId: reader.timeZone });
  await openChat(person, chat.server.url, who.cookie);
  return person;
}

describeInChromium('date lines between days, in Chromium', () => {
  describe('on the page the server rendered', () => {
    const chat = useServer({ RATE_LIMIT: '0' });
    const people = usePeople(chat);
    beforeAll(() => seedEarlierDays(chat));

    for (const reader of readers) {
      it(`marks each day of the first page, in the reader's language and time zone (${reader.locale}, ${reader.timeZone})`, async () => {
        const person = await openLobby(chat, people, reader);
        expect(await lines(person.page, reader.lang)).toEqual([
          expectedLine(lateOld, reader.timeZone, reader.lang),
          ...OLD,
          expectedLine(yesterday, reader.timeZone, reader.lang),
          ...YESTERDAY,
        ]);
        expect(person.pageErrors).toEqual([]);
      });
    }

    it('says "Yesterday" for what was today once midnight has passed, on a page left open', async () => {
      const reader = readers[1];
      // Not "Carol": both servers of this file run in one process, whose kept markup goes by message id and author name.
      const dana = await chat.signIn('Dana');
      const said = await say(await chat.connect(dana), 'said today');
      const who = await chat.signIn('Reader');
      const person = await people.launch({ locale: reader.locale, timezoneId: reader.timeZone });
      // The page's clock (and its timers) can be moved on; it starts at the real time.
      await person.page.clock.install({ time: Date.now() });
      await openChat(person, chat.server.url, who.cookie);
      const { page } = person;
      const before = [
        expectedLine(lateOld, reader.timeZone, reader.lang),
        ...OLD,
        expectedLine(yesterday, reader.timeZone, reader.lang),
        ...YESTERDAY,
        expectedLine(said.ts, reader.timeZone, reader.lang),
        'said today',
      ];
      expect(await lines(page, reader.lang)).toEqual(before);
      expect(before.at(-2)).toContain(translate(reader.lang, 'messages.today'));
      // Past the next midnight in the reader's time zone.
      const toMidnight = await page.evaluate(() => {
        const now = new Date();
        return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime() - now.getTime();
      });
      await page.clock.fastForward(toMidnight + 5000);
      const tomorrow = Date.now() + toMidnight + 5000;
      const after = [
        expectedLine(lateOld, reader.timeZone, reader.lang, tomorrow),
        ...OLD,
        expectedLine(yesterday, reader.timeZone, reader.lang, tomorrow),
        ...YESTERDAY,
        expectedLine(said.ts, reader.timeZone, reader.lang, tomorrow),
        'said today',
      ];
      expect(after.at(-2)).toContain(translate(reader.lang, 'messages.yesterday'));
      await until('the lines relabelled after midnight', () => lines(page, reader.lang), (shown) => JSON.stringify(shown) === JSON.stringify(after));
      expect(person.pageErrors).toEqual([]);
    });
  });

  describe('on older pages and live', () => {
    // Five a page: the lobby opens on yesterday's five, and the older page brings the rest.
    const chat = useServer({ RATE_LIMIT: '0', HISTORY_LIMIT: '5' });
    const people = usePeople(chat);
    beforeAll(() => seedEarlierDays(chat));
    /** Today's messages so far, the tests before included. */
    const saidToday: string[] = [];

    for (const reader of readers) {
      it(`marks the days of an older page put on top, and a new day's first live message (${reader.locale}, ${reader.timeZone})`, async () => {
        const person = await openLobby(chat, people, reader);
        const { page } = person;
        // The older page (asked for when the top of the list is in view, or with the button).
        if (await page.locator('#older').isVisible()) await page.locator('#older').click().catch(() => undefined);
        await waitForMessage(page, 'old 0');
        const carol = await chat.signIn('Carol');
        const carolWs = await chat.connect(carol);
        const today = `today, in ${reader.timeZone}`;
        await say(carolWs, today);
        await waitForMessage(page, today);
        saidToday.push(today);
        await until(
          'the date lines of three days',
          () => lines(page, reader.lang),
          (shown) => shown.length === OLD.length + YESTERDAY.length + 3 + saidToday.length,
        );
        expect(await lines(page, reader.lang)).toEqual([
          expectedLine(lateOld, reader.timeZone, reader.lang),
          ...OLD,
          expectedLine(yesterday, reader.timeZone, reader.lang),
          ...YESTERDAY,
          `— ${dayIn(Date.now(), reader.timeZone)} ${translate(reader.lang, 'messages.today')}`,
          ...saidToday,
        ]);
        // A second message the same day has no line of its own.
        await say(carolWs, `${today}, again`);
        await waitForMessage(page, `${today}, again`);
        saidToday.push(`${today}, again`);
        const todayLine = `— ${dayIn(Date.now(), reader.timeZone)} ${translate(reader.lang, 'messages.today')}`;
        expect((await lines(page, reader.lang)).slice(-1 - saidToday.length)).toEqual([todayLine, ...saidToday]);
        expect(person.pageErrors).toEqual([]);
      });
    }
  });
});
