// History requests (docs/protocol.md §4–§5): paging back through a room and a DM conversation with
// `before`, the limit clamped, and what may not be read refused. Real server, real `ws` clients.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, DirectMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, isError, join, joinAll, say, unique } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type RoomHistory = Extract<HistoryMessage, { room: string }>;
type DmHistory = Extract<HistoryMessage, { with: string }>;

const chat = useServer({ RATE_LIMIT: '0' });

describe('history requests', () => {
  it('pages back through a room with before: no gaps, no repeats, oldest first, before echoed; limit clamped to 100', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a, b] = await chat.connectEach(alice, bob);
    await joinAll(room, a, b);

    // 120 messages from two users, interleaved with lobby traffic that must not show up
    const texts = Array.from({ length: 120 }, (_, i) => unique(`m${i}`));
    texts.forEach((text, i) => {
      (i % 3 === 0 ? b : a).send({ type: 'chat', room, data: text });
      if (i % 10 === 0) a.send({ type: 'chat', data: unique('lobby noise') });
    });
    for (const text of texts) await a.next<ChatMessage>(chatWith(text));
    // the order the server accepted them in (two senders, so not necessarily `texts` order)
    const stored = a.received.filter((m): m is ChatMessage => m.type === 'chat' && m.room === room);
    const ids = stored.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(120);
    expect([...stored.map((m) => m.data)].sort()).toEqual([...texts].sort());

    const ask = async (request: Record<string, unknown>): Promise<RoomHistory> => {
      a.drain();
      a.send({ type: 'history', room, ...request });
      return a.next<RoomHistory>((m) => m.type === 'history' && 'room' in m && m.room === room);
    };

    const pages: RoomHistory[] = [];
    let page = await ask({ limit: 50 });
    expect(page.before).toBeUndefined();
    while (page.data.length > 0) {
      expect(pages.length, 'paging does not end').toBeLessThan(5);
      pages.push(page);
      const before = page.data[0]!.id;
      page = await ask({ before, limit: 50 });
      expect(page.before).toBe(before);
    }
    expect(pages.map((p) => p.data.length)).toEqual([50, 50, 20]);
    for (const p of pages) {
      const pageIds = p.data.map((m) => m.id);
      expect(pageIds).toEqual([...pageIds].sort((x, y) => x - y));
    }
    const walked = pages.reverse().flatMap((p) => p.data);
    expect(walked.map((m) => m.id)).toEqual(ids);
    expect(walked.map((m) => m.data)).toEqual(stored.map((m) => m.data));
    expect(walked.every((m) => m.type === 'chat' && m.room === room)).toBe(true);
    expect(walked.map((m) => m.user.id)).toEqual(stored.map((m) => m.user.id));

    // limit over 100 is clamped; no limit means HISTORY_LIMIT (50 by default)
    expect((await ask({ limit: 500 })).data.map((m) => m.id)).toEqual(ids.slice(-100));
    expect((await ask({})).data.map((m) => m.id)).toEqual(ids.slice(-50));
    expect((await ask({ limit: 1, before: ids[60] })).data.map((m) => m.id)).toEqual([ids[59]]);
  });

  it('a room you did not join is not_in_room; both room and with, or neither, or wrong types are bad_message', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(bob);
    const [a, b] = await chat.connectEach(alice, bob);
    await join(b, room);
    const secret = await say(b, unique('members only'), room);

    const cases: { request: Record<string, unknown>; code: string }[] = [
      { request: { type: 'history', room, ref: 'h1' }, code: 'not_in_room' },
      { request: { type: 'history', room: 'no-such-room-here', ref: 'h2' }, code: 'no_such_room' },
      { request: { type: 'history', room: 'lobby', with: bob.user.id, ref: 'h3' }, code: 'bad_message' },
      { request: { type: 'history', ref: 'h4' }, code: 'bad_message' },
      { request: { type: 'history', room: 'lobby', limit: '10', ref: 'h5' }, code: 'bad_message' },
      { request: { type: 'history', room: 'lobby', before: 'abc', ref: 'h6' }, code: 'bad_message' },
      { request: { type: 'history', with: 'no-such-user-id', ref: 'h7' }, code: 'no_such_user' },
    ];
    a.drain();
    for (const { request, code } of cases) {
      a.send(request);
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code, JSON.stringify(request)).toBe(code);
      expect(error.ref).toBe(request.ref);
    }
    expect(a.received.some((m) => (m.type === 'history' && m.data.some((x) => x.id === secret.id)) || (m.type === 'chat' && m.id === secret.id))).toBe(false);
    await say(a, unique('still here'));
  });

  it('pages a DM conversation between the two users only, from either side', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const [a, b, c] = await chat.connectEach(alice, bob, carol);

    const conversation: DirectMessage[] = [];
    for (let i = 0; i < 7; i++) {
      const [from, to] = i % 2 === 0 ? [a, bob] : [b, alice];
      const text = unique(`ab${i}`);
      from.send({ type: 'dm', to: to.user.id, data: text });
      conversation.push(await from.next<DirectMessage>((m) => m.type === 'dm' && m.data === text));
      // other conversations in between, which must not show up
      const noise = unique(`noise${i}`);
      (i % 2 === 0 ? c : a).send({ type: 'dm', to: i % 2 === 0 ? alice.user.id : carol.user.id, data: noise });
      await c.next((m) => m.type === 'dm' && m.data === noise);
    }
    const ids = conversation.map((m) => m.id);

    const ask = async (client: TestClient, other: string, request: Record<string, unknown> = {}): Promise<DmHistory> => {
      client.drain();
      client.send({ type: 'history', with: other, ...request });
      return client.next<DmHistory>((m) => m.type === 'history' && 'with' in m);
    };

    for (const [client, other] of [
      [a, bob.user.id],
      [b, alice.user.id],
    ] as const) {
      const all = await ask(client, other);
      expect(all.with).toBe(other);
      expect(all.data.map((m) => m.id)).toEqual(ids);
      expect(all.data.map((m) => [m.user.id, m.to.id])).toEqual(conversation.map((m) => [m.user.id, m.to.id]));
      expect(all.data.map((m) => m.data)).toEqual(conversation.map((m) => m.data));

      // paging: 3, 3, 1, then nothing, before echoed
      const walked: number[][] = [];
      let page = await ask(client, other, { limit: 3 });
      while (page.data.length > 0) {
        expect(walked.length, 'paging does not end').toBeLessThan(5);
        walked.unshift(page.data.map((m) => m.id));
        const before = page.data[0]!.id;
        page = await ask(client, other, { limit: 3, before });
        expect(page.before).toBe(before);
      }
      expect(walked.map((p) => p.length)).toEqual([1, 3, 3]);
      expect(walked.flat()).toEqual(ids);
    }

    // Carol asking about Bob, with whom she never talked, gets nothing of Alice and Bob's conversation
    const none = await ask(c, bob.user.id);
    expect(none.data).toEqual([]);
  });
});
