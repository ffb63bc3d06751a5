// Messaging rows of the contract (PROTOCOL.md §3–§5) against the real server with real `ws` clients:
// the greeting and presence, `chat`, `dm`, validation errors, frame limits and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ChatMessage, DirectMessage, ServerMessage } from '../src/shared/protocol/index.js';
import { chatWith, createRoom, dmWith, isError, presence, roomName, Sockets, unique, userShape } from './helpers/chat.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from './helpers/server.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;
type PresenceMessage = Extract<ServerMessage, { type: 'join' | 'left' }>;

// --- small helpers (local to this file) -----------------------------------------------------------

const sockets = new Sockets();
const connect = (server: TestServer, who: SignedIn) => sockets.ready(server, who);

const isChatOrDm = (m: ServerMessage): m is ChatMessage | DirectMessage => m.type === 'chat' || m.type === 'dm';

/** Sends a chat and waits for the sender's own copy. */
async function say(client: TestClient, data: string, extra: Record<string, unknown> = {}): Promise<ChatMessage> {
  client.send({ type: 'chat', data, ...extra });
  return client.next<ChatMessage>(chatWith(data.trim()));
}

/** Proves the connection is open and working: a chat goes out and comes back. */
async function expectStillChatting(client: TestClient): Promise<void> {
  const text = unique('still-here');
  const echo = await say(client, text);
  expect(echo.data).toBe(text);
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
}

/** How the server closed the connection, failing fast when it does not. */
function closeCode(client: TestClient, timeoutMs = 3000): Promise<number> {
  return Promise.race([
    client.closed.then((closed) => closed.code),
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs)),
  ]);
}

// --- servers ------------------------------------------------------------------------------------

let main: TestServer;
let historyLimited: TestServer;
let rateLimited: TestServer;
let unlimited: TestServer;
let smallFrames: TestServer;

beforeAll(async () => {
  [main, historyLimited, rateLimited, unlimited, smallFrames] = await Promise.all([
    startTestServer({ SIGNIN_RATE_LIMIT: '0' }),
    startTestServer({ SIGNIN_RATE_LIMIT: '0', HISTORY_LIMIT: '3' }),
    startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '3' }),
    startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' }),
    startTestServer({ SIGNIN_RATE_LIMIT: '0', MAX_FRAME_BYTES: '1024' }),
  ]);
});

afterAll(async () => {
  await Promise.all([main, historyLimited, rateLimited, unlimited, smallFrames].map((server) => server?.close()));
});

// --- connecting ---------------------------------------------------------------------------------

describe('connecting', () => {
  it('greets with the latest lobby history (oldest first, HISTORY_LIMIT long), then the list, and tells the others', async () => {
    const server = historyLimited;
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const a = await connect(server, alice);

    const sent: ChatMessage[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await say(a, unique(`old-${i}`)));

    const b = await TestClient.connect(server.wsUrl, { cookie: bob.cookie });
    sockets.keep(b);
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
    expect(await b.quietFor(200, presence('join', bob.user))).toEqual([]);
  });

  it('a second tab is not announced; closing one of two tabs is silent; closing the last one announces left', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b1 = await connect(main, bob);
    await a.next(presence('join', bob.user));

    const b2 = await TestClient.ready(main.wsUrl, bob.cookie);
    sockets.keep(b2);
    const list = b2.received.find((m): m is ListMessage => m.type === 'list' && m.room === 'lobby');
    expect(list?.data.filter((u) => u.id === bob.user.id)).toHaveLength(1);
    expect(list?.data.filter((u) => u.id === alice.user.id)).toHaveLength(1);
    expect(await a.quietFor(250, presence('join', bob.user))).toEqual([]);

    await b1.close();
    expect(await a.quietFor(250, presence('left', bob.user))).toEqual([]);
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

// --- chat ---------------------------------------------------------------------------------------

describe('chat', () => {
  it('reaches everyone in the lobby, the sender included, with id, ts, room, user; ref only on the sending connection', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a1 = await connect(main, alice);
    const a2 = await connect(main, alice);
    const b = await connect(main, bob);

    const text = unique('hello all');
    const before = Date.now();
    a1.send({ type: 'chat', data: text, room: 'lobby', ref: 'r-1' });
    const own = await a1.next<ChatMessage>(chatWith(text));
    const otherTab = await a2.next<ChatMessage>(chatWith(text));
    const other = await b.next<ChatMessage>(chatWith(text));
    const after = Date.now();

    expect(Number.isInteger(own.id)).toBe(true);
    expect(own.id).toBeGreaterThan(0);
    expect(own.ts).toBeGreaterThanOrEqual(before - 5);
    expect(own.ts).toBeLessThanOrEqual(after + 5);
    expect(own).toEqual({ type: 'chat', id: own.id, ts: own.ts, room: 'lobby', user: userShape(alice.user), data: text, ref: 'r-1' });
    const { ref: _ref, ...shared } = own;
    expect(otherTab).toEqual(shared);
    expect(other).toEqual(shared);
    expect('ref' in otherTab).toBe(false);
    expect('ref' in other).toBe(false);

    // each connection gets it exactly once
    expect(await a1.quietFor(200, chatWith(text))).toEqual([]);
    expect(await b.quietFor(0, chatWith(text))).toEqual([]);
  });

  it('room defaults to lobby, and ids increase in the order the server accepted messages', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const carol = await signIn(main.url, 'Carol');
    const a = await connect(main, alice);
    const b = await connect(main, bob);
    const c = await connect(main, carol);

    const texts = [unique('one'), unique('two'), unique('three'), unique('four')];
    const ids: number[] = [];
    ids.push((await say(a, texts[0]!)).id);
    ids.push((await say(b, texts[1]!)).id);
    ids.push((await say(a, texts[2]!)).id);
    ids.push((await say(b, texts[3]!)).id);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);

    // a third party sees them in the same order with the same ids, all in the lobby
    const seen: ChatMessage[] = [];
    for (const text of texts) seen.push(await c.next<ChatMessage>(chatWith(text)));
    expect(seen.map((m) => m.id)).toEqual(ids);
    expect(seen.every((m) => m.room === 'lobby')).toBe(true);
    const order = c.received.filter((m): m is ChatMessage => m.type === 'chat' && texts.includes(m.data)).map((m) => m.id);
    expect(order).toEqual(ids);
  });

  it('a text frame that is not JSON is a chat to the lobby', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);

    const text = unique('hello plain text');
    a.send(text);
    const got = await b.next<ChatMessage>(chatWith(text));
    expect(got.room).toBe('lobby');
    expect(got.user).toEqual(userShape(alice.user));
    await a.next(chatWith(text));
    expect(await a.quietFor(150, isError)).toEqual([]);
  });

  it('trims the text; a blank one is refused with empty', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);

    const text = unique('padded');
    a.send({ type: 'chat', data: `  \n\t${text} \n ` });
    expect((await b.next<ChatMessage>((m) => m.type === 'chat' && m.user.id === alice.user.id)).data).toBe(text);

    for (const blank of ['', '   ', ' \n\t \r\n ']) {
      a.send({ type: 'chat', data: blank, ref: 'blank' });
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code).toBe('empty');
      expect(error.ref).toBe('blank');
    }
    expect(await b.quietFor(200, (m) => m.type === 'chat' && m.user.id === alice.user.id)).toEqual([]);
    await expectStillChatting(a);
  });

  it('refuses text over MAX_MESSAGE_LENGTH with too_long, counting code points', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);

    // exactly 2000 code points: accepted (an emoji is 2 UTF-16 units but 1 character)
    const emoji = '😀'.repeat(2000);
    a.send({ type: 'chat', data: emoji });
    expect((await b.next<ChatMessage>(chatWith(emoji))).data).toBe(emoji);
    const plain = 'a'.repeat(1999) + 'z';
    a.send({ type: 'chat', data: `  ${plain}  ` }); // surrounding blanks do not count
    await b.next(chatWith(plain));

    for (const tooLong of ['a'.repeat(2001), '😀'.repeat(2001), '路'.repeat(2001)]) {
      a.send({ type: 'chat', data: tooLong, ref: 'long' });
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code).toBe('too_long');
      expect(error.ref).toBe('long');
    }
    expect(await b.quietFor(200, (m) => m.type === 'chat' && m.user.id === alice.user.id)).toEqual([]);
    await expectStillChatting(a);
  });

  it('JSON that is not an object is bad_message, and the connection stays open', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);

    for (const frame of ['[]', '123', '"x"', 'null', 'true', '[{"type":"chat","data":"hi"}]']) {
      a.send(frame);
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code, frame).toBe('bad_message');
      expect(typeof error.data.message).toBe('string');
      expect(error.data.message.length).toBeGreaterThan(0);
    }
    expect(await b.quietFor(200, (m) => m.type === 'chat' && m.user.id === alice.user.id)).toEqual([]);
    await expectStillChatting(a);
  });

  it('answers missing or wrong-typed fields with bad_message and an unknown type with unknown_type, echoing a valid ref, to that connection only', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a1 = await connect(main, alice);
    const a2 = await connect(main, alice);
    const b = await connect(main, bob);

    const cases: { message: Record<string, unknown>; code: string; ref?: string }[] = [
      { message: { type: 'chat', ref: 'no-data' }, code: 'bad_message', ref: 'no-data' },
      { message: { type: 'chat', data: 42, ref: 'num-data' }, code: 'bad_message', ref: 'num-data' },
      { message: { type: 'chat', data: ['hi'], ref: 'arr-data' }, code: 'bad_message', ref: 'arr-data' },
      { message: { type: 'chat', data: 'hi', room: 5, ref: 'num-room' }, code: 'bad_message', ref: 'num-room' },
      { message: { data: 'hi', ref: 'no-type' }, code: 'bad_message', ref: 'no-type' },
      { message: { type: 7, data: 'hi', ref: 'num-type' }, code: 'bad_message', ref: 'num-type' },
      { message: { type: 'dm', data: 'hi', ref: 'dm-no-to' }, code: 'bad_message', ref: 'dm-no-to' },
      { message: { type: 'dm', to: bob.user.id, ref: 'dm-no-data' }, code: 'bad_message', ref: 'dm-no-data' },
      { message: { type: 'join', ref: 'join-no-room' }, code: 'bad_message', ref: 'join-no-room' },
      { message: { type: 'leave', room: 3, ref: 'leave-num-room' }, code: 'bad_message', ref: 'leave-num-room' },
      { message: { type: 'shout', data: 'hi', ref: 'unknown' }, code: 'unknown_type', ref: 'unknown' },
      { message: { type: 'CHAT', data: 'hi' }, code: 'unknown_type' },
      // a ref that is not valid is not echoed
      { message: { type: 'chat', data: 'hi', ref: 5 }, code: 'bad_message' },
      { message: { type: 'chat', data: 'hi', ref: 'x'.repeat(65) }, code: 'bad_message' },
    ];
    for (const { message, code, ref } of cases) {
      a1.send(message);
      const error = await a1.next<ErrorMessage>(isError);
      const label = JSON.stringify(message);
      expect(error.type, label).toBe('error');
      expect(error.data.code, label).toBe(code);
      expect(typeof error.data.message, label).toBe('string');
      if (ref === undefined) expect('ref' in error, label).toBe(false);
      else expect(error.ref, label).toBe(ref);
    }

    // nothing reached anyone else, and nothing was published
    expect(await a2.quietFor(250, (m) => m.type === 'error' || (isChatOrDm(m) && m.user.id === alice.user.id))).toEqual([]);
    expect(await b.quietFor(0, (m) => m.type === 'error' || (isChatOrDm(m) && m.user.id === alice.user.id))).toEqual([]);

    // a ref of exactly 64 characters is fine
    const ref = 'r'.repeat(64);
    const echo = await say(a1, unique('ref64'), { ref });
    expect(echo.ref).toBe(ref);
    await expectStillChatting(a1);
  });

  it('a chat to a room that does not exist is no_such_room; to a room not joined is not_in_room', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);
    const room = roomName('closed');
    await createRoom(main, bob.cookie, room);
    b.send({ type: 'join', room });
    await b.next((m) => m.type === 'list' && m.room === room);

    a.send({ type: 'chat', room: 'nowhere-at-all', data: 'hi', ref: 'q1' });
    const missing = await a.next<ErrorMessage>(isError);
    expect(missing.data.code).toBe('no_such_room');
    expect(missing.ref).toBe('q1');

    const text = unique('sneaking in');
    a.send({ type: 'chat', room, data: text, ref: 'q2' });
    const notIn = await a.next<ErrorMessage>(isError);
    expect(notIn.data.code).toBe('not_in_room');
    expect(notIn.ref).toBe('q2');
    expect(await b.quietFor(200, chatWith(text))).toEqual([]);

    await expectStillChatting(a);
  });

  it('error messages say what went wrong, in English, naming the room', async () => {
    const alice = await signIn(main.url, 'Alice');
    const a = await connect(main, alice);
    const room = await createRoom(main, alice.cookie, roomName('Named'));
    a.send({ type: 'chat', room: 'nowhere-at-all', data: 'hi' });
    expect((await a.next<ErrorMessage>(isError)).data).toEqual({ code: 'no_such_room', message: 'There is no room "nowhere-at-all"' });
    a.send({ type: 'chat', room: room.toLowerCase(), data: 'hi' });
    expect((await a.next<ErrorMessage>(isError)).data).toEqual({ code: 'not_in_room', message: `You are not in "${room}": join it first` });
    a.send({ type: 'dm', to: 42, data: 'hi' });
    expect((await a.next<ErrorMessage>(isError)).data).toEqual({ code: 'bad_message', message: '"to" must be a string' });
  });
});

describe('ping (extension)', () => {
  it('is answered with pong, echoing ref, after everything sent to the connection before it', async () => {
    const alice = await signIn(main.url, 'Alice');
    const a = await connect(main, alice);
    const text = unique('before the ping');
    a.send({ type: 'chat', data: text });
    a.send({ type: 'ping', ref: 'p1' });
    a.send({ type: 'ping' });
    const order: string[] = [];
    await a.next((m) => {
      if (m.type === 'chat' && m.data === text) order.push('chat');
      if (m.type === 'pong') order.push(m.ref === undefined ? 'pong' : `pong ${m.ref}`);
      return m.type === 'pong' && m.ref === undefined;
    });
    expect(order).toEqual(['chat', 'pong p1', 'pong']);
    a.send({ type: 'ping', ref: 'x'.repeat(65) });
    expect((await a.next<ErrorMessage>(isError)).data.code).toBe('bad_message');
  });
});

// --- frames -------------------------------------------------------------------------------------

describe('frames', () => {
  it('a binary frame closes the connection with 1003 and is not delivered', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const a = await connect(main, alice);
    const b = await connect(main, bob);

    const text = unique('binary');
    a.socket.send(Buffer.from(JSON.stringify({ type: 'chat', data: text })), { binary: true });
    expect((await closeCode(a))).toBe(1003);
    expect(await b.quietFor(200, chatWith(text))).toEqual([]);
  });

  it('a frame over 64 KiB closes with 1009; a big frame under the limit is still handled', async () => {
    const alice = await signIn(main.url, 'Alice');
    const a = await connect(main, alice);

    // 60 KiB: under the frame limit, so it is read and refused as too long, and the socket stays
    a.send({ type: 'chat', data: 'x'.repeat(60 * 1024), ref: 'big' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('too_long');
    await expectStillChatting(a);

    a.send('y'.repeat(64 * 1024 + 1));
    expect((await closeCode(a))).toBe(1009);
  });

  it('MAX_FRAME_BYTES shrinks the frame limit', async () => {
    const alice = await signIn(smallFrames.url, 'Alice');
    const bob = await signIn(smallFrames.url, 'Bob');
    const a = await connect(smallFrames, alice);
    const b = await connect(smallFrames, bob);

    const fits = unique('fits') + 'f'.repeat(900);
    a.send({ type: 'chat', data: fits });
    await b.next(chatWith(fits));

    const tooBig = unique('too-big') + 'g'.repeat(1100);
    a.send({ type: 'chat', data: tooBig });
    expect((await closeCode(a))).toBe(1009);
    expect(await b.quietFor(200, chatWith(tooBig))).toEqual([]);
  });
});

// --- rate limit ---------------------------------------------------------------------------------

describe('rate limit (RATE_LIMIT=3)', () => {
  it('refuses the 4th chat in the window with rate_limited, keeps the connection, and leaves other users alone', async () => {
    const alice = await signIn(rateLimited.url, 'Alice');
    const bob = await signIn(rateLimited.url, 'Bob');
    const a = await connect(rateLimited, alice);
    const b = await connect(rateLimited, bob);

    for (let i = 0; i < 3; i++) await say(a, unique('ok'));
    const refused = unique('refused');
    a.send({ type: 'chat', data: refused, ref: 'fourth' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('rate_limited');
    expect(error.ref).toBe('fourth');
    expect(await b.quietFor(200, chatWith(refused))).toEqual([]);
    expect(await a.quietFor(0, chatWith(refused))).toEqual([]);

    // still open: a request that is not a message is answered
    a.drain();
    a.send({ type: 'history', room: 'lobby', limit: 1 });
    expect((await a.nextOfType('history')).data).toHaveLength(1);
    expect(a.socket.readyState).toBe(WebSocket.OPEN);

    // another user is not limited by Alice's messages
    const fromBob = unique('bob is fine');
    b.send({ type: 'chat', data: fromBob });
    await a.next(chatWith(fromBob));
    await b.next(chatWith(fromBob));
  });

  it('counts the messages of all tabs of a user together', async () => {
    const alice = await signIn(rateLimited.url, 'Alice');
    const bob = await signIn(rateLimited.url, 'Bob');
    const a1 = await connect(rateLimited, alice);
    const a2 = await connect(rateLimited, alice);
    const b = await connect(rateLimited, bob);

    await say(a1, unique('tab1-a'));
    await say(a1, unique('tab1-b'));
    await say(a2, unique('tab2-a'));

    const fromTab2 = unique('tab2-over');
    a2.send({ type: 'chat', data: fromTab2, ref: 't2' });
    expect((await a2.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    const fromTab1 = unique('tab1-over');
    a1.send({ type: 'chat', data: fromTab1, ref: 't1' });
    expect((await a1.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    expect(await b.quietFor(200, (m) => m.type === 'chat' && (m.data === fromTab1 || m.data === fromTab2))).toEqual([]);

    // Bob still has his own allowance
    for (let i = 0; i < 3; i++) await say(b, unique('bob'));
  });

  it('closes with 1008 a connection that keeps going after as many refusals again as the limit', async () => {
    const alice = await signIn(rateLimited.url, 'Alice');
    const bob = await signIn(rateLimited.url, 'Bob');
    const a = await connect(rateLimited, alice);
    const b = await connect(rateLimited, bob);

    for (let i = 0; i < 3; i++) await say(a, unique('ok'));
    for (let i = 0; i < 3; i++) {
      a.send({ type: 'chat', data: unique('refused') });
      expect((await a.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    }
    expect(a.socket.readyState).toBe(WebSocket.OPEN);

    const last = unique('one too many');
    a.send({ type: 'chat', data: last });
    expect((await closeCode(a))).toBe(1008);
    expect(await b.quietFor(200, chatWith(last))).toEqual([]);
  });

  it('RATE_LIMIT=0 turns the limit off; the greeting carries the latest 50 messages by default', async () => {
    const alice = await signIn(unlimited.url, 'Alice');
    const bob = await signIn(unlimited.url, 'Bob');
    const a = await connect(unlimited, alice);
    const b = await connect(unlimited, bob);

    const texts = Array.from({ length: 55 }, (_, i) => unique(`burst-${i}`));
    for (const text of texts) a.send({ type: 'chat', data: text });
    const atBob: ChatMessage[] = [];
    for (const text of texts) atBob.push(await b.next<ChatMessage>(chatWith(text)));
    for (const text of texts) await a.next(chatWith(text));
    expect(a.received.filter(isError)).toEqual([]);
    const ids = atBob.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(55);

    const carol = await signIn(unlimited.url, 'Carol');
    const c = await TestClient.connect(unlimited.wsUrl, { cookie: carol.cookie });
    sockets.keep(c);
    const history = await c.next<HistoryMessage>((m) => m.type === 'history');
    expect(history.data.map((m) => m.id)).toEqual(ids.slice(-50));
    expect(history.data.map((m) => m.data)).toEqual(texts.slice(-50));
  });
});

// --- direct messages ----------------------------------------------------------------------------

describe('dm', () => {
  it('reaches every connection of sender and recipient and nobody else; ref only on the sending connection', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob');
    const carol = await signIn(main.url, 'Carol');
    const a1 = await connect(main, alice);
    const a2 = await connect(main, alice);
    const b1 = await connect(main, bob);
    const b2 = await connect(main, bob);
    const c = await connect(main, carol);

    const text = unique('psst');
    const before = Date.now();
    a1.send({ type: 'dm', to: bob.user.id, data: `  ${text}  `, ref: 'dm-1' });
    const own = await a1.next<DirectMessage>(dmWith(text));
    const copies = await Promise.all([a2, b1, b2].map((client) => client.next<DirectMessage>(dmWith(text))));

    expect(Number.isInteger(own.id)).toBe(true);
    expect(own.ts).toBeGreaterThanOrEqual(before - 5);
    expect(own.ts).toBeLessThanOrEqual(Date.now() + 5);
    expect(own).toEqual({
      type: 'dm',
      id: own.id,
      ts: own.ts,
      user: userShape(alice.user),
      to: userShape(bob.user),
      data: text,
      ref: 'dm-1',
    });
    const { ref: _ref, ...shared } = own;
    for (const copy of copies) expect(copy).toEqual(shared);

    // a third user in the same room gets nothing of it
    expect(await c.quietFor(250, (m) => m.type === 'dm' || (m.type === 'chat' && m.data === text))).toEqual([]);
    for (const client of [a1, a2, b1, b2]) expect(await client.quietFor(0, dmWith(text))).toEqual([]);

    // and the answer goes the other way
    const reply = unique('reply');
    b2.send({ type: 'dm', to: alice.user.id, data: reply });
    const got = await a1.next<DirectMessage>(dmWith(reply));
    expect(got.user).toEqual(userShape(bob.user));
    expect(got.to).toEqual(userShape(alice.user));
    expect(got.id).toBeGreaterThan(own.id);
    expect('ref' in got).toBe(false);
    await b1.next(dmWith(reply));
    expect(await c.quietFor(200, (m) => m.type === 'dm')).toEqual([]);
  });

  it('a dm to an unknown user is no_such_user, and the connection stays open', async () => {
    const alice = await signIn(main.url, 'Alice');
    const a = await connect(main, alice);
    a.send({ type: 'dm', to: 'no-such-user-id', data: 'hello?', ref: 'nobody' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('no_such_user');
    expect(error.ref).toBe('nobody');
    expect(await a.quietFor(150, (m) => m.type === 'dm')).toEqual([]);
    await expectStillChatting(a);
  });

  it('an offline recipient finds the dm later in the conversation history', async () => {
    const alice = await signIn(main.url, 'Alice');
    const bob = await signIn(main.url, 'Bob'); // signed in, never connected
    const carol = await signIn(main.url, 'Carol');
    const a = await connect(main, alice);

    const text = unique('while you were out');
    a.send({ type: 'dm', to: bob.user.id, data: text });
    const sent = await a.next<DirectMessage>(dmWith(text));

    const b = await connect(main, bob);
    // not part of the lobby greeting
    const greeting = b.received.find((m): m is HistoryMessage => m.type === 'history');
    expect(greeting?.data.some((m) => m.data === text)).toBe(false);

    b.send({ type: 'history', with: alice.user.id });
    const history = await b.next<HistoryMessage>((m) => m.type === 'history' && 'with' in m);
    expect('with' in history && history.with).toBe(alice.user.id);
    expect(history.data.at(-1)).toEqual({ type: 'dm', id: sent.id, ts: sent.ts, user: userShape(alice.user), to: userShape(bob.user), data: text });

    // a third user asking about Alice does not see it
    const c = await connect(main, carol);
    c.send({ type: 'history', with: alice.user.id });
    const other = await c.next<HistoryMessage>((m) => m.type === 'history' && 'with' in m);
    expect(other.data).toEqual([]);
  });
});
