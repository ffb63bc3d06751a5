// Connecting (docs/protocol.md §3–§4) against the real server with real `ws` clients: the greeting
// (lobby history, then the list) and who hears of an arrival; a second tab and closing tabs; the
// latest page a newcomer gets.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, expectNone, flushPresence, join, joinAll, presence, say, unique, userShape } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';

type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;
type PresenceMessage = Extract<ServerMessage, { type: 'join' | 'left' }>;

const chat = useServer({ HISTORY_LIMIT: '3' });

describe('connecting', () => {
  it('greets with the latest lobby history (oldest first, HISTORY_LIMIT long), then the list, and tells the others', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const a = await chat.connect(alice);

    const sent: ChatMessage[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await say(a, unique(`old-${i}`)));

    const b = await chat.open(bob);
    const list = await b.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');

    // history first, then the list
    const [first, second] = b.received;
    expect(first?.type).toBe('history');
    expect(second).toBe(list);
    const history = first as HistoryMessage;
    expect('room' in history && history.room).toBe('lobby');
    expect(history.data.map((m) => [m.id, m.data])).toEqual(sent.slice(-3).map((m) => [m.id, m.data]));
    expect(history.data.every((m) => m.type === 'chat' && m.room === 'lobby' && m.user.id === alice.user.id)).toBe(true);

    // the list: both users online, each once
    expect(list.data.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(list.data.find((u) => u.id === bob.user.id)).toEqual(userShape(bob.user));

    // the others hear of it; the newcomer is not told about itself
    const join = await a.next<PresenceMessage>(presence('join', bob.user));
    expect(join.user).toEqual(userShape(bob.user));
    expect(typeof join.data).toBe('string');
    // (Alice heard it, so the flush that would have told Bob too is behind us.)
    await expectNone(b, presence('join', bob.user));
  });

  it('a second tab is not announced; closing one of two tabs is silent; closing the last one announces left', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b1] = await chat.connectEach(alice, bob);
    await a.next(presence('join', bob.user));
    // A room of their own with Alice for this tab alone: its `left` there shows when the server has seen it close.
    const room = await chat.createRoom(alice);
    await joinAll(room, a, b1);

    const b2 = await chat.connect(bob);
    const list = b2.received.find((m): m is ListMessage => m.type === 'list' && m.room === 'lobby');
    expect(list?.data.filter((u) => u.id === bob.user.id)).toHaveLength(1);
    expect(list?.data.filter((u) => u.id === alice.user.id)).toHaveLength(1);
    await flushPresence(a);
    expect(a.pending(presence('join', bob.user))).toEqual([]);

    await b1.close();
    await a.next(presence('left', bob.user, room));
    await flushPresence(a);
    expect(a.pending(presence('left', bob.user))).toEqual([]);
    // Bob is still online through the other tab, and still gets messages there.
    const text = unique('to-remaining-tab');
    a.send({ type: 'chat', data: text });
    await b2.next(chatWith(text));

    await b2.close();
    const left = await a.next<PresenceMessage>(presence('left', bob.user));
    expect(left.user).toEqual(userShape(bob.user));
    expect(typeof left.data).toBe('string');
  });
});

describe('the latest page a newcomer gets', () => {
  const historyOf = (client: TestClient) => client.received.find((m) => m.type === 'history' && 'room' in m && m.room === 'lobby');

  it('is the same for arrivals in a quiet room and includes every message said since', async () => {
    const [a, b, c, d] = await Promise.all(['Page 1', 'Page 2', 'Page 3', 'Page 4'].map((name) => chat.signIn(name)));
    const first = await chat.connect(a!);
    const second = await chat.connect(b!);
    expect(historyOf(second)).toEqual(historyOf(first));
    first.send({ type: 'chat', data: 'said after the page was made', ref: 'r1' });
    await first.next((m) => m.type === 'chat' && m.ref === 'r1');
    const third = await chat.connect(c!);
    const page = historyOf(third);
    expect(page?.type === 'history' && page.data.at(-1)?.data).toBe('said after the page was made');
    second.send({ type: 'chat', data: 'and one more' });
    await second.next((m) => m.type === 'chat' && m.data === 'and one more');
    const fourth = await chat.connect(d!);
    const latest = historyOf(fourth);
    expect(latest?.type === 'history' && latest.data.slice(-2).map((m) => m.data)).toEqual(['said after the page was made', 'and one more']);
  });
});
