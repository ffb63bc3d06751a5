// Joining and leaving rooms (docs/protocol.md §4–§5, "join and leave echo") against the real server
// with real `ws` clients: history then list to the joiner, `join` and `left` to the room (the
// joiner and leaver included, a second tab not announced), and rooms kept apart.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, expectNone, flushPresence, isError, join, joinAll, leave, presence, say, unique, userShape } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type RoomHistory = Extract<HistoryMessage, { room: string }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;
type PresenceMessage = Extract<ServerMessage, { type: 'join' | 'left' }>;

const chat = useServer({ RATE_LIMIT: '0' });

describe('join', () => {
  it('sends history then list to the joiner, and join to everyone in the room, the joiner included', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const room = await chat.createRoom(bob);
    const [a, b, c] = await chat.connectEach(alice, bob, carol);

    await join(b, room);
    const first = await say(b, unique('first in room'), room);
    const second = await say(b, unique('second in room'), room);

    a.drain();
    a.send({ type: 'join', room });
    const joined = await a.next<PresenceMessage>(presence('join', alice.user, room));
    const history = a.received.find((m): m is RoomHistory => m.type === 'history' && 'room' in m && m.room === room);
    const list = a.received.find((m): m is ListMessage => m.type === 'list' && m.room === room);
    expect(history).toBeDefined();
    expect(list).toBeDefined();
    expect(a.received.indexOf(history!)).toBeLessThan(a.received.indexOf(list!));
    expect(history!.data).toEqual([
      { type: 'chat', id: first.id, ts: first.ts, room, user: userShape(bob.user), data: first.data },
      { type: 'chat', id: second.id, ts: second.ts, room, user: userShape(bob.user), data: second.data },
    ]);
    expect(list!.data.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(joined.user).toEqual(userShape(alice.user));
    expect(typeof joined.data).toBe('string');

    const atBob = await b.next<PresenceMessage>(presence('join', alice.user, room));
    expect(atBob.user).toEqual(userShape(alice.user));
    // someone only in the lobby hears nothing of the room
    await expectNone(c, (m) => (m.type === 'join' || m.type === 'list' || m.type === 'history') && 'room' in m && m.room === room);
  });

  it('a second tab joining the same room is not announced again', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(bob);
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);
    await joinAll(room, b, a1);
    await b.next(presence('join', alice.user, room));

    const list = await join(a2, room);
    expect(list.data.filter((u) => u.id === alice.user.id)).toHaveLength(1);
    await flushPresence(b, room);
    expect(b.pending(presence('join', alice.user, room))).toEqual([]);
  });

  it('joining a room that does not exist is no_such_room, and the connection stays open', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    a.send({ type: 'join', room: 'not-a-room-anywhere', ref: 'j1' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('no_such_room');
    expect(error.ref).toBe('j1');
    await say(a, unique('still here'));
  });

  it('keeps rooms apart: a chat in a room never reaches a connection that is only in the lobby', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const room = await chat.createRoom(alice);
    const a1 = await chat.connect(alice);
    const a2 = await chat.connect(alice); // Alice's other tab stays in the lobby only
    const [b, c] = await chat.connectEach(bob, carol);
    await joinAll(room, a1, b);

    const text = unique('room only');
    a1.send({ type: 'chat', room, data: text });
    const own = await a1.next<ChatMessage>(chatWith(text));
    const atBob = await b.next<ChatMessage>(chatWith(text));
    expect(own.room).toBe(room);
    expect(atBob.room).toBe(room);
    expect(atBob.id).toBe(own.id);
    await expectNone(c, chatWith(text));
    await expectNone(a2, chatWith(text));

    // and the lobby still reaches everyone, the room members included
    const lobbyText = unique('lobby for all');
    c.send({ type: 'chat', data: lobbyText });
    for (const client of [a1, a2, b, c]) expect((await client.next<ChatMessage>(chatWith(lobbyText))).room).toBe('lobby');
    await expectNone(a1, chatWith(lobbyText));
  });
});

describe('leave', () => {
  it('sends left to the room, the leaver included; then the room no longer reaches the leaver', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const room = await chat.createRoom(alice);
    const [a, b, c] = await chat.connectEach(alice, bob, carol);
    await joinAll(room, a, b);

    a.send({ type: 'leave', room });
    const own = await a.next<PresenceMessage>(presence('left', alice.user, room));
    const atBob = await b.next<PresenceMessage>(presence('left', alice.user, room));
    expect(own.user).toEqual(userShape(alice.user));
    expect(atBob.user).toEqual(userShape(alice.user));
    await expectNone(c, (m) => m.type === 'left' && m.room === room);
    // leaving a room is not leaving the lobby
    await flushPresence(b);
    expect(b.pending(presence('left', alice.user, 'lobby'))).toEqual([]);

    const text = unique('after she left');
    b.send({ type: 'chat', room, data: text });
    await b.next(chatWith(text));
    await expectNone(a, chatWith(text));

    a.send({ type: 'chat', room, data: unique('let me in'), ref: 'c1' });
    const notIn = await a.next<ErrorMessage>(isError);
    expect(notIn.data.code).toBe('not_in_room');
    expect(notIn.ref).toBe('c1');
  });

  it('leaving a room you are not in is not_in_room, and the connection stays open', async () => {
    const alice = await chat.signIn('Alice');
    const room = await chat.createRoom(alice);
    const a = await chat.connect(alice);
    a.send({ type: 'leave', room, ref: 'l1' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('not_in_room');
    expect(error.ref).toBe('l1');
    await say(a, unique('still here'));
  });

  it('only the last connection of a user leaving announces left; closing a socket leaves its rooms', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const room = await chat.createRoom(alice);
    const [a1, a2, b, c] = await chat.connectEach(alice, alice, bob, carol);
    for (const client of [a1, a2, b, c]) await join(client, room);

    await leave(a1, room);
    await flushPresence(b, room);
    expect(b.pending(presence('left', alice.user, room))).toEqual([]);
    a2.send({ type: 'leave', room });
    await b.next(presence('left', alice.user, room));

    await c.close();
    await b.next(presence('left', carol.user, room));
    await b.next(presence('left', carol.user, 'lobby'));
  });
});
