// The store at a large size (issue 4, history at 1M messages): pages, unread counts, conversations and
// resume read through indexes and stay right when the store is big. Here with ~50,000 messages seeded
// in one transaction; the timings at 1,000,000 are measured outside the test suite (no timing here).
import Database from 'better-sqlite3';
import Keygrip from 'keygrip';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, DirectMessage, ServerMessage, StoredMessage, UnreadEntry, User } from '../../src/shared/protocol/index.js';
import { UNREAD_CAP } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { BETWEEN_SQL } from '../../src/store/sqlite/messages.js';
import { TestClient } from '../helpers/client.js';
import { startTestServer, tempDataDir } from '../helpers/server.js';

/** ~50,000 messages: DMs (one in 20), a small room (one in 60, under UNREAD_CAP) and the lobby (the rest). */
const MESSAGES = 50_000;
const DMS = 2_500;

const person = (n: number): User => ({ id: `user-${String(n).padStart(4, '0')}`, name: `Person${n}`, image: n % 12 });
const people = Array.from({ length: 200 }, (_, n) => person(n));
/** Reads nothing after signing up before the messages: everything below is unread to them. */
const reader = person(900);
const other = person(901);
const quiet = person(902);

let dataDir: string;
let store: SqliteEngine;
/** What was stored, in id order, to check the store's answers against. */
const all: StoredMessage[] = [];

function seed(s: SqliteEngine): void {
  s.addUser(reader, 1);
  s.addUser(other, 1);
  s.addUser(quiet, 1);
  for (const p of people) s.addUser(p, 1);
  s.createRoom('small', 1);
  s.addMembership(reader.id, 'small', 1);
  let ts = 1_000;
  let dms = 0;
  s.beginBatch();
  for (let i = 0; i < MESSAGES; i++) {
    const user = people[i % people.length] as User;
    ts += 1;
    // Spread like a real store: rooms and DMs interleaved with a much busier lobby.
    if (i % 20 === 7 && dms < DMS) {
      const to = i % 40 === 7 ? reader : (people[(i * 7) % people.length] as User);
      if (to.id === user.id) continue;
      dms += 1;
      all.push(s.addDm({ user, to, data: `dm ${i}${i % 3 === 0 ? ` @${to.name}` : ''}`, ts, ...(i % 3 === 0 && { mentions: [to.id] }) }));
    } else if (i % 60 === 3) {
      all.push(s.addChat({ room: 'small', user, data: `small ${i}`, ts }));
    } else {
      const mention = i % 50 === 0 ? ` @${reader.name}` : '';
      all.push(s.addChat({ room: 'lobby', user, data: `lobby ${i}${mention}`, ts, ...(mention && { mentions: [reader.id] }) }));
    }
  }
  s.commitBatch();
}

beforeAll(() => {
  dataDir = tempDataDir();
  store = new SqliteEngine(dataDir);
  seed(store);
}, 120_000);

afterAll(() => store?.close());

const inRoom = (room: string) => all.filter((m): m is ChatMessage => m.type === 'chat' && m.room === room);
const between = (a: string, b: string) =>
  all.filter((m): m is DirectMessage => m.type === 'dm' && ((m.user.id === a && m.to.id === b) || (m.user.id === b && m.to.id === a)));
const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

describe('history pages at a large store', () => {
  it('the latest page is the newest messages of the room, oldest first, and paging back walks it without gaps or repeats', () => {
    const lobby = inRoom('lobby');
    expect(lobby.length).toBeGreaterThan(40_000);
    const latest = store.roomHistory('lobby', { limit: 50 });
    expect(latest).toEqual(lobby.slice(-50));

    // Page back from the middle for a while: each page is exactly the 50 before it.
    let before = lobby[30_000]!.id;
    const walked: number[] = [];
    for (let page = 0; page < 20; page++) {
      const messages = store.roomHistory('lobby', { before, limit: 50 });
      expect(messages).toHaveLength(50);
      walked.unshift(...ids(messages));
      before = messages[0]!.id;
    }
    expect(walked).toEqual(ids(lobby.slice(30_000 - 1000, 30_000)));
  });

  it('a small room between a busy lobby pages only its own messages, to its very first', () => {
    const small = inRoom('small');
    const pages: number[] = [];
    let before: number | undefined;
    for (;;) {
      const messages = store.roomHistory('small', before === undefined ? { limit: 100 } : { before, limit: 100 });
      if (messages.length === 0) break;
      expect(messages.every((m) => m.room === 'small')).toBe(true);
      pages.unshift(...ids(messages));
      before = messages[0]!.id;
    }
    expect(pages).toEqual(ids(small));
  });

  it('a DM conversation pages both directions of it and nothing else', () => {
    const first = all.find((m): m is DirectMessage => m.type === 'dm' && m.to.id === reader.id)!;
    const [a, b] = [first.user.id, reader.id];
    const expected = between(a, b);
    expect(expected.length).toBeGreaterThan(100);
    expect(store.dmHistory(a, b, { limit: 100 })).toEqual(expected.slice(-100));
    expect(store.dmHistory(b, a, { limit: 100 })).toEqual(expected.slice(-100));
  });

  it('the latest page follows a new message at once', () => {
    const before = store.roomHistory('lobby', { limit: 50 });
    const added = store.addChat({ room: 'lobby', user: other, data: 'just now', ts: 9_999_999 });
    all.push(added);
    const after = store.roomHistory('lobby', { limit: 50 });
    expect(after.at(-1)).toEqual(added);
    expect(after.slice(0, -1)).toEqual(before.slice(1));
  });
});

describe('unread counts at a large store', () => {
  const lobbyEntry = (entries: UnreadEntry[]) => entries.find((e) => 'room' in e && e.room === 'lobby');

  it('a reader far behind gets a capped count (UNREAD_CAP means that many or more), with mentions among them', () => {
    const entries = store.unreadOf(reader.id);
    const lobby = lobbyEntry(entries);
    expect(UNREAD_CAP).toBe(1000);
    expect(lobby).toMatchObject({ room: 'lobby', count: UNREAD_CAP, lastReadId: 0 });
    // The mentions counted are those among the newest UNREAD_CAP, every 50th lobby message here.
    const newest = inRoom('lobby').slice(-UNREAD_CAP);
    expect(lobby!.mentions).toBe(newest.filter((m) => m.data.includes(`@${reader.name}`)).length);
    expect(lobby!.mentions).toBeGreaterThan(0);
  });

  it('below the cap the count is exact, and never includes the reader’s own messages', () => {
    const lobby = inRoom('lobby');
    const marker = lobby.at(-300)!.id;
    store.markRead(quiet.id, { room: 'lobby' }, marker);
    for (let i = 0; i < 5; i++) all.push(store.addChat({ room: 'lobby', user: quiet, data: `mine ${i}`, ts: 10_000_000 + i }));
    const expected = all.filter((m) => m.type === 'chat' && m.room === 'lobby' && m.id > marker && m.user.id !== quiet.id);
    expect(lobbyEntry(store.unreadOf(quiet.id))).toEqual({ room: 'lobby', count: expected.length, mentions: 0, lastReadId: marker });
  });

  it('counts a far-behind small room and DM conversations too, conversations newest first', () => {
    const entries = store.unreadOf(reader.id);
    const small = entries.find((e) => 'room' in e && e.room === 'small');
    // The reader joined "small" before any message: all of them are unread, fewer than the cap.
    expect(small).toMatchObject({ count: inRoom('small').length, lastReadId: 0 });

    const dms = entries.filter((e): e is Extract<UnreadEntry, { with: string }> => 'with' in e);
    const senders = new Map<string, DirectMessage[]>();
    for (const m of all) if (m.type === 'dm' && m.to.id === reader.id) senders.set(m.user.id, [...(senders.get(m.user.id) ?? []), m]);
    expect(dms.map((e) => e.with).sort()).toEqual([...senders.keys()].sort());
    for (const entry of dms) {
      const received = senders.get(entry.with)!;
      expect(entry.count).toBe(Math.min(received.length, UNREAD_CAP));
      expect(entry.mentions).toBe(received.filter((m) => m.data.includes(`@${reader.name}`)).length);
    }
    const newestFrom = (id: string) => Math.max(...senders.get(id)!.map((m) => m.id));
    expect(dms.map((e) => newestFrom(e.with))).toEqual(dms.map((e) => newestFrom(e.with)).sort((a, b) => b - a));
    // Rooms come first.
    expect(entries.findIndex((e) => 'with' in e)).toBe(entries.filter((e) => 'room' in e).length);
  });

  it('reading everything up to the newest message leaves nothing unread', () => {
    const late = person(903);
    store.addUser(late, 1);
    store.addMembership(late.id, 'small', 1);
    expect(store.unreadOf(late.id)).toEqual([]);
    all.push(store.addDm({ user: other, to: late, data: 'hi', ts: 11_000_000 }));
    all.push(store.addChat({ room: 'small', user: other, data: 'hi all', ts: 11_000_001 }));
    expect(store.unreadOf(late.id).map((e) => e.count)).toEqual([1, 1]);
    store.markRead(late.id, { room: 'small' }, store.lastMessageId());
    store.markRead(late.id, { with: other.id }, store.lastMessageId());
    expect(store.unreadOf(late.id)).toEqual([]);
  });
});

describe('conversations and resume at a large store', () => {
  it('lists the people someone has DMs with, most recent conversation first', () => {
    const me = reader.id;
    const newest = new Map<string, number>();
    for (const m of all) {
      if (m.type !== 'dm') continue;
      if (m.user.id === me) newest.set(m.to.id, m.id);
      else if (m.to.id === me) newest.set(m.user.id, m.id);
    }
    const expected = [...newest.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(store.conversationsOf(me, 100).map((u) => u.id)).toEqual(expected.slice(0, 100));
    expect(store.conversationsOf(me, 3).map((u) => u.id)).toEqual(expected.slice(0, 3));
  });

  it('resume replays every message of the rooms and the DMs after the id, in id order', () => {
    const me = people[7]!.id;
    const since = all[all.length - 3000]!.id;
    const expected = all.filter(
      (m) => m.id > since && (m.type === 'chat' ? m.room === 'lobby' : m.user.id === me || m.to.id === me),
    );
    expect(store.messagesSince(since, ['lobby'], me)).toEqual(expected);
    // A room alone (join with since): only that room's messages.
    expect(store.messagesSince(since, ['small'])).toEqual(all.filter((m) => m.id > since && m.type === 'chat' && m.room === 'small'));
  });

  it('a stretch of ids is every message in it, rooms and DMs alike, read along the primary key', () => {
    const from = all[all.length - 3000]!.id;
    const upTo = all[all.length - 1000]!.id;
    expect(store.messagesBetween(from, upTo, 5000)).toEqual(all.filter((m) => m.id > from && m.id <= upTo));
    expect(store.messagesBetween(from, Number.MAX_SAFE_INTEGER, 100)).toEqual(all.filter((m) => m.id > from).slice(0, 100));
    const db = new Database(store.file, { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${BETWEEN_SQL}`).all(from, upTo, 100) as { detail: string }[];
      expect(plan.map((step) => step.detail)).toContain('SEARCH m USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
    } finally {
      db.close();
    }
  });

  it('a data file from before the conversations table has it filled on the next start', () => {
    const dir = tempDataDir();
    const first = new SqliteEngine(dir);
    const [a, b, c] = [person(1), person(2), person(3)];
    for (const u of [a, b, c]) first.addUser(u, 1);
    first.addDm({ user: a, to: b, data: 'one', ts: 1 });
    first.addDm({ user: c, to: a, data: 'two', ts: 2 });
    first.addDm({ user: b, to: a, data: 'three', ts: 3 });
    first.close();
    const raw = new Database(path.join(dir, 'chat.db'));
    // As a release from before both the table and schema versions left it: at version 0.
    raw.exec('DROP TRIGGER conversations_on_dm; DROP TABLE conversations; PRAGMA user_version = 0;');
    raw.close();

    const again = new SqliteEngine(dir);
    expect(again.conversationsOf(a.id, 10).map((u) => u.id)).toEqual([b.id, c.id]);
    // What each of them wrote to a, newest first; a's own DM to b is not unread.
    expect(again.unreadOf(a.id).map((e) => ('with' in e ? [e.with, e.count] : []))).toEqual([
      [b.id, 1],
      [c.id, 1],
    ]);
    again.close();
  });
});

describe('the capped count on the wire', () => {
  it('a user who never read a lobby of thousands is told the capped count on connect, and the page still opens', async () => {
    const SECRET = 'a-test-secret-that-is-long-enough';
    const dir = tempDataDir();
    const seeded = new SqliteEngine(dir);
    const behind = person(950);
    const writer = person(951);
    seeded.addUser(behind, Date.now());
    seeded.addUser(writer, Date.now());
    seeded.beginBatch();
    for (let i = 0; i < 3 * UNREAD_CAP; i++) seeded.addChat({ room: 'lobby', user: writer, data: `hello ${i}`, ts: Date.now() });
    seeded.commitBatch();
    seeded.close();

    const server = await startTestServer({ SECRET }, dir);
    try {
      // The user was made here but never signed in here: a cookie signed with our key is taken.
      const value = Buffer.from(JSON.stringify(behind)).toString('base64');
      const cookie = `user=${value}; user.sig=${new Keygrip([SECRET]).sign(`user=${value}`)}`;
      const page = await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`hello ${3 * UNREAD_CAP - 1}`);
      expect(html.match(/<li class="message/g)).toHaveLength(50 + 1); // the page's 50, and the <template>

      const client = await TestClient.connect(server.wsUrl, { cookie });
      const unread = await client.next<Extract<ServerMessage, { type: 'unread' }>>((m) => m.type === 'unread');
      expect(unread.data).toEqual([{ room: 'lobby', count: UNREAD_CAP, mentions: 0, lastReadId: 0 }]);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
