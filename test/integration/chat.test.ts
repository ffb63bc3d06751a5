// Chat rows of the contract (docs/protocol.md §3–§5) against the real server with real `ws` clients:
// `chat` to everyone in the room, ids in order, plain-text frames, trimming, the length limit,
// validation errors and the ping extension.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, expectNone, expectStillChatting, isChatOrDm, isError, roomName, unique, userShape } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const chat = useServer();

/** Sends a chat without naming a room, and waits for the sender's own copy. */
async function sayWithoutRoom(client: TestClient, data: string): Promise<ChatMessage> {
  client.send({ type: 'chat', data });
  return client.next<ChatMessage>(chatWith(data));
}

describe('chat', () => {
  it('reaches everyone in the lobby, the sender included, with id, ts, room, user; ref only on the sending connection', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);

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
    await expectNone(a1, chatWith(text));
    await expectNone(b, chatWith(text));
  });

  it('room defaults to lobby, and ids increase in the order the server accepted messages', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const [a, b, c] = await chat.connectEach(alice, bob, carol);

    const texts = [unique('one'), unique('two'), unique('three'), unique('four')];
    const ids: number[] = [];
    ids.push((await sayWithoutRoom(a, texts[0]!)).id);
    ids.push((await sayWithoutRoom(b, texts[1]!)).id);
    ids.push((await sayWithoutRoom(a, texts[2]!)).id);
    ids.push((await sayWithoutRoom(b, texts[3]!)).id);
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
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);

    const text = unique('hello plain text');
    a.send(text);
    const got = await b.next<ChatMessage>(chatWith(text));
    expect(got.room).toBe('lobby');
    expect(got.user).toEqual(userShape(alice.user));
    await a.next(chatWith(text));
    await expectNone(a, isError);
  });

  it('trims the text; a blank one is refused with empty', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);

    const text = unique('padded');
    a.send({ type: 'chat', data: `  \n\t${text} \n ` });
    expect((await b.next<ChatMessage>((m) => m.type === 'chat' && m.user.id === alice.user.id)).data).toBe(text);

    for (const blank of ['', '   ', ' \n\t \r\n ']) {
      a.send({ type: 'chat', data: blank, ref: 'blank' });
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code).toBe('empty');
      expect(error.ref).toBe('blank');
    }
    await expectNone(b, (m) => m.type === 'chat' && m.user.id === alice.user.id);
    await expectStillChatting(a);
  });

  it('refuses text over MAX_MESSAGE_LENGTH with too_long, counting code points', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);

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
    await expectNone(b, (m) => m.type === 'chat' && m.user.id === alice.user.id);
    await expectStillChatting(a);
  });

  it('JSON that is not an object is bad_message, and the connection stays open', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);

    for (const frame of ['[]', '123', '"x"', 'null', 'true', '[{"type":"chat","data":"hi"}]']) {
      a.send(frame);
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code, frame).toBe('bad_message');
      expect(typeof error.data.message).toBe('string');
      expect(error.data.message.length).toBeGreaterThan(0);
    }
    await expectNone(b, (m) => m.type === 'chat' && m.user.id === alice.user.id);
    await expectStillChatting(a);
  });

  it('answers missing or wrong-typed fields with bad_message and an unknown type with unknown_type, echoing a valid ref, to that connection only', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);

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
    await expectNone(a2, (m) => m.type === 'error' || (isChatOrDm(m) && m.user.id === alice.user.id));
    await expectNone(b, (m) => m.type === 'error' || (isChatOrDm(m) && m.user.id === alice.user.id));

    // a ref of exactly 64 characters is fine
    const ref = 'r'.repeat(64);
    const text = unique('ref64');
    a1.send({ type: 'chat', data: text, ref });
    const echo = await a1.next<ChatMessage>(chatWith(text));
    expect(echo.ref).toBe(ref);
    await expectStillChatting(a1);
  });

  it('a chat to a room that does not exist is no_such_room; to a room not joined is not_in_room', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);
    const room = roomName('closed');
    await chat.createRoom(bob, room);
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
    await expectNone(b, chatWith(text));

    await expectStillChatting(a);
  });

  it('error messages say what went wrong, in English, naming the room', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const room = await chat.createRoom(alice, roomName('Named'));
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
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
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
