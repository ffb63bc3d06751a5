// Away and back (docs/protocol.md, "The change sequence"): a client that resumes with
// `?since=&changes=` (and joins a room with `since` and `changes`) gets, after the missed messages,
// every change it missed, each once and in change order, before the `unread` counts and the room's
// `list`; its view, the frames applied, equals a fresh client's history pages. Without `changes`
// (a contract client) nothing but the messages is replayed.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, StoredMessage, UnreadEntry } from '../../src/shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { dm, join, personName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

const chat = useServer({ RATE_LIMIT: '0' });

type About = { room: string } | { with: string };
type Change = Extract<ServerMessage, { type: 'edited' | 'deleted' | 'reactions' }>;
const isChange = (m: ServerMessage): m is Change => m.type === 'edited' || m.type === 'deleted' || m.type === 'reactions';
const LATEST = 10 ** 12;

/** A history page of the latest 100, and the site's change number it was read at. */
async function page(client: TestClient, about: About): Promise<{ data: StoredMessage[]; change: number }> {
  client.send({ type: 'history', ...about, before: LATEST, limit: 100 });
  const got = await client.next((m) => m.type === 'history' && m.before === LATEST && ('room' in about ? 'room' in m && m.room === about.room : 'with' in m && m.with === about.with));
  if (got.type !== 'history') throw new Error('not a page');
  return { data: got.data as StoredMessage[], change: got.change ?? 0 };
}

/** What a reader sees of a message: its text or the deleted line, edited, mentions, reactions, its last change. */
function shape(m: StoredMessage) {
  if (m.deleted) return { id: m.id, deleted: true, data: '', change: m.change };
  return { id: m.id, data: m.data, editedAt: m.editedAt, mentions: m.mentions, reactions: m.reactions, change: m.change };
}

/** Applies a frame to a view as the page does: a change only when newer than the message's; a stale one is returned. */
function apply(view: Map<number, StoredMessage>, m: ServerMessage): Change | undefined {
  if (m.type === 'chat' || m.type === 'dm') {
    view.set(m.id, m);
    return undefined;
  }
  if (!isChange(m)) return undefined;
  const old = view.get(m.id);
  if (!old) throw new Error(`a change to message ${m.id}, which this view has not got`);
  if ((old.change ?? 0) >= m.change) return m;
  if (m.type === 'edited') view.set(m.id, { ...old, data: m.data, editedAt: m.editedAt, mentions: m.mentions, change: m.change } as StoredMessage);
  else if (m.type === 'deleted') view.set(m.id, { ...old, data: '', deleted: true, change: m.change } as StoredMessage);
  else view.set(m.id, { ...old, reactions: m.data.length > 0 ? m.data : undefined, change: m.change } as StoredMessage);
  return undefined;
}

describe('away and back with ?since=&changes=', () => {
  it('gets every change missed, once, in change order, before unread and the room’s list; the view equals a fresh client’s', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const room = await chat.createRoom(bob);
    await join(b, room);
    await join(a, room);
    const dmWithBob = { with: bob.user.id };

    // Before: messages Alice has, one of them already changed (so she has seen a change number).
    const m1 = await say(b, unique('m1'));
    const m2 = await say(b, unique('m2'));
    const m3 = await say(b, unique('m3'));
    const r1 = await say(b, unique('r1'), room);
    const d1 = await dm(b, alice.user, unique('d1'));
    const d2 = await dm(b, alice.user, unique('d2'));
    b.send({ type: 'react', id: m3.id, emoji: '🙂', ref: 'seen' });
    await a.next((m) => m.type === 'reactions' && m.id === m3.id);

    // Alice's view as she leaves: her pages, their change numbers, the last id.
    const view = new Map<number, StoredMessage>();
    let changes = 0;
    for (const about of [{ room: 'lobby' }, { room }, dmWithBob]) {
      const got = await page(a, about);
      for (const m of got.data) view.set(m.id, m);
      changes = Math.max(changes, got.change);
    }
    const since = Math.max(...view.keys());
    expect(since).toBe(d2.id);
    await a.close();

    // While she is away: old messages edited (twice), deleted, reacted to; one newer message changed too.
    const changed = async (message: object) => {
      const ref = unique('ref');
      b.send({ ...message, ref });
      return (await b.next((m) => isChange(m) && m.ref === ref)) as Change;
    };
    await changed({ type: 'edit', id: m1.id, data: 'm1 first edit' });
    await changed({ type: 'react', id: m1.id, emoji: '👍' });
    await changed({ type: 'edit', id: m1.id, data: `m1 second edit @${alice.user.name}` });
    await changed({ type: 'delete', id: m2.id });
    await changed({ type: 'react', id: m3.id, emoji: '🙂' });
    await changed({ type: 'react', id: m3.id, emoji: '🎉' });
    await changed({ type: 'edit', id: r1.id, data: 'r1 edited' });
    await changed({ type: 'react', id: d1.id, emoji: '❤️' });
    await changed({ type: 'delete', id: d2.id });
    const m4 = await say(b, unique('m4, newer than since'));
    await changed({ type: 'edit', id: m4.id, data: 'm4 edited' });
    const last = await changed({ type: 'react', id: m4.id, emoji: '👀' });
    const d3 = await dm(b, alice.user, unique('d3'));

    // Back: the lobby and DMs on connect, the room by join.
    const back = await chat.open(alice, { since, changes });
    back.send({ type: 'join', room, since, changes });
    await back.next((m) => m.type === 'list' && m.room === room);
    await back.settle();
    const frames = back.received;
    const stale = frames.map((m) => apply(view, m)).filter((m) => m !== undefined);
    expect(stale).toEqual([]);

    const got = frames.filter(isChange);
    // Each changed message once per kind, collapsed; nothing about m4 (it came whole).
    const keys = got.map((m) => `${m.type === 'reactions' ? 'reactions' : 'text'}:${m.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([`text:${m1.id}`, `reactions:${m1.id}`, `text:${m2.id}`, `reactions:${m3.id}`, `text:${r1.id}`, `reactions:${d1.id}`, `text:${d2.id}`].sort());
    expect(frames.find((m) => m.type === 'chat' && m.id === m4.id)).toMatchObject({ data: 'm4 edited', change: last.change });
    // In change order within each resume: the lobby's and DMs' first, then the room's.
    const lobbyAndDms = got.filter((m) => !('room' in m) || m.room === 'lobby');
    const inRoom = got.filter((m) => 'room' in m && m.room === room);
    const increasing = (list: Change[]) => list.every((m, i) => i === 0 || m.change > list[i - 1]!.change);
    expect(increasing(lobbyAndDms)).toBe(true);
    expect(increasing(inRoom)).toBe(true);
    // Before the lobby's list and the unread counts; the room's before its list.
    const at = (predicate: (m: ServerMessage) => boolean) => frames.findIndex(predicate);
    const lobbyList = at((m) => m.type === 'list' && m.room === 'lobby');
    const unread = at((m) => m.type === 'unread');
    expect(Math.max(...lobbyAndDms.map((m) => frames.indexOf(m)))).toBeLessThan(lobbyList);
    expect(lobbyList).toBeLessThan(unread);
    expect(Math.max(...inRoom.map((m) => frames.indexOf(m)))).toBeLessThan(at((m) => m.type === 'list' && m.room === room));
    // The counts leave the deleted DM out (d1 and d3 are unread; d2 is gone), so the page takes nothing off twice.
    const entries = (frames[unread] as { data: UnreadEntry[] }).data;
    expect(entries.find((e) => 'with' in e && e.with === bob.user.id)?.count).toBe(2);

    // Alice's view equals a fresh client's.
    const fresh = await chat.connect(alice);
    await join(fresh, room);
    for (const about of [{ room: 'lobby' }, { room }, dmWithBob]) {
      const truth = (await page(fresh, about)).data;
      const ids = truth.map((m) => m.id).filter((id) => view.has(id));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.map((id) => shape(view.get(id)!))).toEqual(ids.map((id) => shape(truth.find((m) => m.id === id)!)));
    }
    expect(shape(view.get(d3.id)!)).toMatchObject({ data: d3.data });

    // Live changes go on after the resume, each once.
    const later = await changed({ type: 'edit', id: m1.id, data: 'm1 after the resume' });
    const live = await back.next((m) => isChange(m) && m.id === m1.id && m.change === later.change);
    expect(apply(view, live)).toBeUndefined();
    await back.settle();
    expect(back.received.filter((m) => isChange(m) && m.change === later.change)).toHaveLength(1);
  });

  it('replays nothing but the messages without `changes` (a contract client)', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const old = await say(b, unique('old'));
    await a.next((m) => m.type === 'chat' && m.id === old.id);
    await a.close();
    b.send({ type: 'edit', id: old.id, data: 'edited while away', ref: 'e' });
    await b.next((m) => m.type === 'edited' && m.ref === 'e');
    const newer = await say(b, unique('newer'));
    const back = await chat.open(alice, { since: old.id });
    await back.settle();
    expect(back.received.filter(isChange)).toEqual([]);
    expect(back.received.filter((m) => m.type === 'chat').map((m) => (m as StoredMessage).id)).toEqual([newer.id]);
  });
});
