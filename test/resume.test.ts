// Resume (`?since=`), `join` with `since`, and a restart keeping history (PROTOCOL.md §3, §6) against
// the real server with real `ws` clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage, StoredMessage } from '../src/shared/protocol/index.js';
import { chatWith, createRoom, dm, dmWith, join, say, Sockets, unique, userShape } from './helpers/chat.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, tempDataDir, type SignedIn, type TestServer } from './helpers/server.js';

type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type RoomHistory = Extract<HistoryMessage, { room: string }>;
type DmHistory = Extract<HistoryMessage, { with: string }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;

// --- small helpers (local to this file) -----------------------------------------------------------

const sockets = new Sockets();
const connect = (server: TestServer, who: SignedIn, since?: number) => sockets.ready(server, who, since);

const isChatOrDm = (m: ServerMessage): m is StoredMessage => m.type === 'chat' || m.type === 'dm';

/** What a stored message looks like on the wire, without a `ref`. */
function plain(message: StoredMessage): StoredMessage {
  const { ref: _ref, ...rest } = message;
  return rest as StoredMessage;
}

/** Connects with `since` and returns what arrived before the lobby list, and the list itself. */
async function resume(server: TestServer, who: SignedIn, since: number) {
  const client = await TestClient.connect(server.wsUrl, { cookie: who.cookie, since });
  sockets.keep(client);
  const list = await client.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
  const before = client.received.slice(0, client.received.indexOf(list));
  return { client, list, before };
}

// --- resume -------------------------------------------------------------------------------------

describe('resume with ?since=', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('replays exactly the missed lobby chats and DMs, in order, instead of the history, then the list', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    let a = await connect(server, alice);
    const b = await connect(server, bob);
    const c = await connect(server, carol);

    await say(b, unique('seen 1'));
    const seen = await say(b, unique('seen 2'));
    await a.next(chatWith(seen.data));
    const lastSeen = Math.max(...a.received.filter(isChatOrDm).map((m) => m.id));
    expect(lastSeen).toBe(seen.id);
    await a.close();
    await b.next((m) => m.type === 'left' && m.user.id === alice.user.id);

    // while Alice is away
    const room = await createRoom(server, bob.cookie);
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

    const resumed = await resume(server, alice, lastSeen);
    a = resumed.client;
    expect(resumed.before.map((m) => m.type)).not.toContain('history');
    expect(resumed.before).toEqual(missed.map(plain));
    expect(resumed.list.data.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id, carol.user.id].sort());

    // nothing more is replayed afterwards, and live traffic carries on without repeats
    expect(await a.quietFor(250, (m) => isChatOrDm(m) && !resumed.before.includes(m))).toEqual([]);
    const live = await say(c, unique('live again'));
    const got = await a.next<ChatMessage>(chatWith(live.data));
    expect(got.id).toBeGreaterThan(missed.at(-1)!.id);
    const ids = a.received.filter(isChatOrDm).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    // the others hear Alice is back
    await b.next((m) => m.type === 'join' && m.room === 'lobby' && m.user.id === alice.user.id);
  });

  it('includes what the user sent meanwhile from another tab, lobby chats and DMs alike', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const a1 = await connect(server, alice);
    const a2 = await connect(server, alice);
    const b = await connect(server, bob);

    const seen = await say(b, unique('seen'));
    await a1.next(chatWith(seen.data));
    await a1.close();

    const missed: StoredMessage[] = [];
    missed.push(await say(a2, unique('from my other tab')));
    missed.push(await dm(a2, bob.user, unique('my dm to bob')));
    missed.push(await dm(b, alice.user, unique('bob answers')));

    const { before } = await resume(server, alice, seen.id);
    expect(before).toEqual(missed.map(plain));
  });

  it('does not replay chats of rooms the resuming connection is not in, even the user\'s own', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, alice.cookie);
    const a1 = await connect(server, alice);
    const a2 = await connect(server, alice);
    const b = await connect(server, bob);
    await join(a2, room);
    await join(b, room);

    const seen = await say(b, unique('seen'));
    await a1.next(chatWith(seen.data));
    await a1.close();

    await say(b, unique('bob in the room'), room);
    await say(a2, unique('alice in the room, other tab'), room);
    const lobby = await say(b, unique('lobby meanwhile'));

    const { before } = await resume(server, alice, seen.id);
    expect(before.filter((m) => m.type === 'chat' && m.room !== 'lobby')).toEqual([]);
    expect(before).toEqual([plain(lobby)]);
  });

  it('a since at or past the newest id replays nothing: the list comes first', async () => {
    const alice = await signIn(server.url, 'Alice');
    const a = await connect(server, alice);
    const last = await say(a, unique('latest'));
    for (const since of [last.id, last.id + 1_000_000]) {
      const { client, before } = await resume(server, alice, since);
      expect(before).toEqual([]);
      expect(client.received[0]?.type).toBe('list');
    }
  });

  it('join with since replays that room\'s messages after since instead of its history, then list and join', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, bob.cookie);
    const otherRoom = await createRoom(server, bob.cookie);
    const a = await connect(server, alice);
    const b = await connect(server, bob);
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
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, bob.cookie);
    const a = await connect(server, alice);
    const b = await connect(server, bob);
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

// --- restart ------------------------------------------------------------------------------------

describe('a restart', () => {
  const dataDir = tempDataDir();
  let first: TestServer | undefined;
  let second: TestServer | undefined;

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('keeps users, rooms and history with the same ids; new messages get larger ids', async () => {
    first = await startTestServer({ SIGNIN_RATE_LIMIT: '0' }, dataDir);
    const alice = await signIn(first.url, 'Alice');
    const bob = await signIn(first.url, 'Bob');
    const room = await createRoom(first, alice.cookie);
    const a = await connect(first, alice);
    await join(a, room);
    const inRoom = await say(a, unique('room before restart'), room);
    const lobby = [await say(a, unique('before restart 1')), await say(a, unique('before restart 2'))];
    const direct = await dm(a, bob.user, unique('dm before restart'));
    const lastBefore = direct.id;

    await first.close();
    expect((await a.closed).code).toBe(1001);
    first = undefined;

    second = await startTestServer({ SIGNIN_RATE_LIMIT: '0' }, dataDir);
    // the old cookie is still an identity: no 4001, the same user in the list
    const again = await TestClient.connect(second.wsUrl, { cookie: alice.cookie });
    sockets.keep(again);
    const list = await again.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
    expect(list.data).toEqual([userShape(alice.user)]);
    const history = again.received.find((m): m is RoomHistory => m.type === 'history' && 'room' in m && m.room === 'lobby');
    expect(history?.data.slice(-2)).toEqual(lobby.map(plain));

    // the room and its history survive
    const rooms = (await (await fetch(`${second.url}/rooms`, { headers: { cookie: bob.cookie } })).json()) as { name: string }[];
    expect(rooms.map((r) => r.name)).toContain(room);
    again.send({ type: 'join', room });
    const roomHistory = await again.next<RoomHistory>((m) => m.type === 'history' && 'room' in m && m.room === room);
    expect(roomHistory.data).toEqual([plain(inRoom)]);

    // the DM and its recipient survive
    again.send({ type: 'history', with: bob.user.id });
    const dmHistory = await again.next<DmHistory>((m) => m.type === 'history' && 'with' in m);
    expect(dmHistory.data).toEqual([plain(direct)]);

    // and a resume across the restart works from the stored ids
    const { before } = await resume(second, alice, lobby[0]!.id);
    expect(before).toEqual([plain(lobby[1]!), plain(direct)]);

    const fresh = await say(again, unique('after restart'));
    expect(fresh.id).toBeGreaterThan(lastBefore);
    const bobBack = await connect(second, bob);
    const toBob = await dm(again, bob.user, unique('dm after restart'));
    expect(toBob.id).toBeGreaterThan(fresh.id);
    await bobBack.next(dmWith(toBob.data));
    expect(again.socket.readyState).toBe(again.socket.OPEN);
  });
});
