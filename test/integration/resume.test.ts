// Resume (`?since=`), `join` with `since`, a resume from far back a page at a time, and a restart
// keeping history (docs/protocol.md §3, §6) against the real server with real `ws` clients.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage, StoredMessage } from '../../src/shared/protocol/index.js';
import { chatWith, dm, dmWith, expectNone, isChatOrDm, join, joinAll, plain, say, unique, userShape } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type RoomHistory = Extract<HistoryMessage, { room: string }>;
type DmHistory = Extract<HistoryMessage, { with: string }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;

const chat = useServer({ RATE_LIMIT: '0' });

/** Connects with `since` and returns what arrived before the lobby list, and the list itself. */
async function resume(who: SignedIn, since: number) {
  const client = await chat.open(who, { since });
  const list = await client.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
  const before = client.received.slice(0, client.received.indexOf(list));
  return { client, list, before };
}

// --- resume -------------------------------------------------------------------------------------

describe('resume with ?since=', () => {
  it('replays exactly the missed lobby chats and DMs, in order, instead of the history, then the list', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    let a = await chat.connect(alice);
    const [b, c] = await chat.connectEach(bob, carol);

    await say(b, unique('seen 1'));
    const seen = await say(b, unique('seen 2'));
    await a.next(chatWith(seen.data));
    const lastSeen = Math.max(...a.received.filter(isChatOrDm).map((m) => m.id));
    expect(lastSeen).toBe(seen.id);
    await a.close();
    await b.next((m) => m.type === 'left' && m.user.id === alice.user.id);

    // while Alice is away
    const room = await chat.createRoom(bob);
    await join(b, room);
    const missed: StoredMessage[] = [];
    missed.push(await say(b, unique('missed 1')));
    missed.push(await say(c, unique('missed 2')));
    missed.push(await dm(c, alice.user, unique('dm for alice')));
    await dm(b, carol.user, unique('dm not for alice')); // between others: not Alice's to see
    await say(b, unique('in a room alice is not in'), room); // not in the lobby
    missed.push(await say(b, unique('missed 3')));
    missed.push(await dm(b, alice.user, unique('another dm for alice')));
    missed.push(await say(c, unique('missed 4')));

    const resumed = await resume(alice, lastSeen);
    a = resumed.client;
    expect(resumed.before.map((m) => m.type)).not.toContain('history');
    expect(resumed.before).toEqual(missed.map(plain));
    expect(resumed.list.data.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id, carol.user.id].sort());

    // nothing more is replayed afterwards, and live traffic carries on without repeats
    await expectNone(a, (m) => isChatOrDm(m) && !resumed.before.includes(m));
    const live = await say(c, unique('live again'));
    const got = await a.next<ChatMessage>(chatWith(live.data));
    expect(got.id).toBeGreaterThan(missed.at(-1)!.id);
    const ids = a.received.filter(isChatOrDm).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    // the others hear Alice is back
    await b.next((m) => m.type === 'join' && m.room === 'lobby' && m.user.id === alice.user.id);
  });

  it('includes what the user sent meanwhile from another tab, lobby chats and DMs alike', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);

    const seen = await say(b, unique('seen'));
    await a1.next(chatWith(seen.data));
    await a1.close();

    const missed: StoredMessage[] = [];
    missed.push(await say(a2, unique('from my other tab')));
    missed.push(await dm(a2, bob.user, unique('my dm to bob')));
    missed.push(await dm(b, alice.user, unique('bob answers')));

    const { before } = await resume(alice, seen.id);
    expect(before).toEqual(missed.map(plain));
  });

  it('does not replay chats of rooms the resuming connection is not in, even the user\'s own', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);
    await joinAll(room, a2, b);

    const seen = await say(b, unique('seen'));
    await a1.next(chatWith(seen.data));
    await a1.close();

    await say(b, unique('bob in the room'), room);
    await say(a2, unique('alice in the room, other tab'), room);
    const lobby = await say(b, unique('lobby meanwhile'));

    const { before } = await resume(alice, seen.id);
    expect(before.filter((m) => m.type === 'chat' && m.room !== 'lobby')).toEqual([]);
    expect(before).toEqual([plain(lobby)]);
  });

  it('a since at or past the newest id replays nothing: the list comes first, and what is said next arrives', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const last = await say(a, unique('latest'));
    for (const since of [last.id, last.id + 1_000_000]) {
      const { client, before } = await resume(alice, since);
      expect(before).toEqual([]);
      expect(client.received[0]?.type).toBe('list');
      // A since in the future holds nothing back: the next message is live as for anyone.
      const next = await say(a, unique('next'));
      await client.next(chatWith(next.data));
    }
  });

  it('join with since replays that room\'s messages after since instead of its history, then list and join', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(bob);
    const otherRoom = await chat.createRoom(bob);
    const [a, b] = await chat.connectEach(alice, bob);
    await join(a, room);
    await join(b, room);
    await join(b, otherRoom);

    await say(b, unique('old'), room);
    const seen = await say(b, unique('seen'), room);
    await a.next(chatWith(seen.data));
    a.send({ type: 'leave', room });
    await b.next((m) => m.type === 'left' && m.room === room && m.user.id === alice.user.id);

    const missed: ChatMessage[] = [];
    missed.push(await say(b, unique('missed 1'), room));
    await say(b, unique('elsewhere'), otherRoom);
    await say(b, unique('bob in lobby'));
    missed.push(await say(b, unique('missed 2'), room));
    missed.push(await say(b, unique('missed 3'), room));

    a.drain();
    const mark = a.received.length;
    a.send({ type: 'join', room, since: seen.id });
    await a.next((m) => m.type === 'join' && m.room === room && m.user.id === alice.user.id);
    const after = a.received.slice(mark);
    const list = after.findIndex((m) => m.type === 'list' && m.room === room);
    expect(list).toBeGreaterThanOrEqual(0);
    expect(after.some((m) => m.type === 'history')).toBe(false);
    expect(after.slice(0, list)).toEqual(missed.map(plain));
    await b.next((m) => m.type === 'join' && m.room === room && m.user.id === alice.user.id);
  });

  it('join with since does not replay the user\'s own messages or DMs from elsewhere', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(bob);
    const [a, b] = await chat.connectEach(alice, bob);
    await join(b, room);

    const seen = await say(b, unique('seen'), room);
    await say(a, unique('alice in lobby'));
    await dm(a, bob.user, unique('alice dm'));
    await dm(b, alice.user, unique('bob dm'));
    const missed = await say(b, unique('in the room'), room);

    a.drain();
    const mark = a.received.length;
    a.send({ type: 'join', room, since: seen.id });
    await a.next((m) => m.type === 'list' && m.room === room);
    const replayed = a.received.slice(mark).filter(isChatOrDm);
    expect(replayed).toEqual([plain(missed)]);
  });
});


describe('resume from far back', () => {
  it('replays every missed message once, in order, over several pages, then the list', async () => {
    const [writer, reader] = await chat.users('Writer', 'Reader');
    const sender = await chat.connect(writer);
    const total = 1234;
    for (let i = 0; i < total; i++) sender.send({ type: 'chat', data: `missed ${i}`, ref: `m${i}` });
    const first = await sender.next<ChatMessage>((m) => m.type === 'chat' && m.ref === 'm0');
    await sender.next((m) => m.type === 'chat' && m.ref === `m${total - 1}`, 15_000);

    const resumed = await chat.connect(reader, { since: first.id - 1 });
    const listAt = resumed.received.findIndex((m) => m.type === 'list');
    const replayed = resumed.received.slice(0, listAt).filter((m): m is ChatMessage => m.type === 'chat');
    expect(replayed.map((m) => m.data)).toEqual(Array.from({ length: total }, (_, i) => `missed ${i}`));
    expect(new Set(replayed.map((m) => m.id)).size).toBe(total);
    expect(resumed.received.some((m) => m.type === 'history')).toBe(false);
  });
});

// --- restart ------------------------------------------------------------------------------------

describe('a restart', () => {
  it('keeps users, rooms and history with the same ids; new messages get larger ids', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const a = await chat.connect(alice);
    await join(a, room);
    const inRoom = await say(a, unique('room before restart'), room);
    const lobby = [await say(a, unique('before restart 1')), await say(a, unique('before restart 2'))];
    const direct = await dm(a, bob.user, unique('dm before restart'));
    const lastBefore = direct.id;

    await chat.restart();
    expect((await a.closed).code).toBe(1001);

    // the old cookie is still an identity: no 4001, the same user in the list
    const again = await chat.open(alice);
    const list = await again.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
    expect(list.data).toEqual([userShape(alice.user)]);
    const history = again.received.find((m): m is RoomHistory => m.type === 'history' && 'room' in m && m.room === 'lobby');
    expect(history?.data.slice(-2)).toEqual(lobby.map(plain));

    // the room and its history survive
    const rooms = (await (await fetch(`${chat.server.url}/rooms`, { headers: { cookie: bob.cookie } })).json()) as { name: string }[];
    expect(rooms.map((r) => r.name)).toContain(room);
    again.send({ type: 'join', room });
    const roomHistory = await again.next<RoomHistory>((m) => m.type === 'history' && 'room' in m && m.room === room);
    expect(roomHistory.data).toEqual([plain(inRoom)]);

    // the DM and its recipient survive
    again.send({ type: 'history', with: bob.user.id });
    const dmHistory = await again.next<DmHistory>((m) => m.type === 'history' && 'with' in m);
    expect(dmHistory.data).toEqual([plain(direct)]);

    // and a resume across the restart works from the stored ids
    const { before } = await resume(alice, lobby[0]!.id);
    expect(before).toEqual([plain(lobby[1]!), plain(direct)]);

    const fresh = await say(again, unique('after restart'));
    expect(fresh.id).toBeGreaterThan(lastBefore);
    const bobBack = await chat.connect(bob);
    const toBob = await dm(again, bob.user, unique('dm after restart'));
    expect(toBob.id).toBeGreaterThan(fresh.id);
    await bobBack.next(dmWith(toBob.data));
    expect(again.socket.readyState).toBe(again.socket.OPEN);
  });
});
