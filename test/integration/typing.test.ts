// "X is typing…" (docs/protocol.md, "Rooms of your own, unread, typing and search"): who hears
// `typing`, the 2 s server throttle, and its errors, against the real server with real `ws` clients.
import { describe, expect, it } from 'vitest';
import { TYPING_THROTTLE_MS, type ChatMessage, type ServerMessage } from '../../src/shared/protocol/index.js';
import { expectNone, join, joinAll, userShape } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { sleep } from '../helpers/wait.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type TypingMessage = Extract<ServerMessage, { type: 'typing' }>;

/** Few chats allowed, to show typing does not use them up. */
const RATE_LIMIT = 3;
const chat = useServer({ RATE_LIMIT: String(RATE_LIMIT) });

const isTyping = (m: ServerMessage): boolean => m.type === 'typing';

/**
 * Settles each client in turn and says what each got that matches and was not consumed: for "none
 * of them hears it", once the server has handled the typing (someone heard it, or the typist settled).
 */
async function heardBy(clients: TestClient[], predicate: (m: ServerMessage) => boolean): Promise<ServerMessage[][]> {
  const heard: ServerMessage[][] = [];
  for (const client of clients) {
    await client.settle();
    heard.push(client.pending(predicate));
  }
  return heard;
}

// --- tests ----------------------------------------------------------------------------------------

describe('typing', () => {
  it('in a room: the others in it hear who is typing; not the typist in any tab, not people outside', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const room = await chat.createRoom(alice);
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);
    const c = await chat.connect(carol); // lobby only
    for (const client of [a1, a2, b]) await join(client, room);

    a1.send({ type: 'typing', room: room.toUpperCase() });
    const heard = await b.next<TypingMessage>(isTyping);
    expect(heard).toEqual({ type: 'typing', room, user: userShape(alice.user) });
    expect(await heardBy([a1, a2, c], isTyping)).toEqual([[], [], []]);

    // typing in the lobby reaches everyone there but the typist
    b.send({ type: 'typing', room: 'lobby' });
    for (const client of [a1, a2, c]) {
      expect(await client.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', room: 'lobby', user: userShape(bob.user) });
    }
    await expectNone(b, isTyping);
  });

  it('in a DM: only the recipient\'s connections hear it, with the typist\'s id; typing to yourself goes nowhere', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const [a1, a2, b1, b2, c] = await chat.connectEach(alice, alice, bob, bob, carol);

    a1.send({ type: 'typing', with: bob.user.id });
    for (const client of [b1, b2]) {
      expect(await client.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', with: alice.user.id, user: userShape(alice.user) });
    }
    expect(await heardBy([a1, a2, c], isTyping)).toEqual([[], [], []]);

    a1.send({ type: 'typing', with: alice.user.id });
    await a1.settle();
    expect(await heardBy([a1, a2, b1, b2, c], (m) => m.type === 'typing' || m.type === 'error')).toEqual([[], [], [], [], []]);
  });

  it('is throttled to one per 2 s per room or conversation, silently, and never uses up the chat rate limit', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a, b] = await chat.connectEach(alice, bob);
    await joinAll(room, a, b);
    const typingIn = (about: 'room' | 'with') => (m: ServerMessage) => m.type === 'typing' && about in m;

    for (let i = 0; i < 10; i++) a.send({ type: 'typing', with: bob.user.id });
    for (let i = 0; i < 10; i++) a.send({ type: 'typing', room });
    await b.next(typingIn('with'));
    // the server took the first one before Bob heard it: its interval is over by this time plus 2 s
    const heardFirst = Date.now();
    await b.next(typingIn('room'));
    await a.settle();
    await expectNone(b, isTyping);
    await expectNone(a, (m) => m.type === 'error');

    // another person typing in the same room is not held back by Alice's throttle
    b.send({ type: 'typing', room });
    await a.next(isTyping);

    // all that typing did not count against the chat limit: the full allowance of chats goes through
    for (let i = 0; i < RATE_LIMIT; i++) {
      const text = `after typing ${i} ${Math.random()}`;
      a.send({ type: 'chat', room, data: text });
      await b.next<ChatMessage>((m) => m.type === 'chat' && m.data === text);
    }
    await expectNone(a, (m) => m.type === 'error');

    // a message sent ends the interval there: starting the next one shows at once (once)
    a.send({ type: 'typing', room });
    a.send({ type: 'typing', room });
    expect(await b.next<TypingMessage>(isTyping)).toMatchObject({ room, user: { id: alice.user.id } });
    // ...but only there: the DM conversation is still within its interval
    a.send({ type: 'typing', with: bob.user.id });
    await a.settle();
    await expectNone(b, isTyping);

    // once the interval has passed, Alice's typing to Bob is news again (a sleep on purpose: the throttle's window has to end)
    await sleep(Math.max(0, heardFirst + TYPING_THROTTLE_MS + 20 - Date.now()));
    a.send({ type: 'typing', with: bob.user.id });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', with: alice.user.id, user: userShape(alice.user) });
  });

  it('sending a DM ends the interval for that conversation', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);
    a.send({ type: 'typing', with: bob.user.id });
    await b.next(isTyping);
    a.send({ type: 'dm', to: bob.user.id, data: 'there you go' });
    await b.next((m) => m.type === 'dm');
    a.send({ type: 'typing', with: bob.user.id });
    a.send({ type: 'typing', with: bob.user.id });
    await b.next(isTyping);
    await a.settle();
    await expectNone(b, isTyping);
  });

  it('`stopped` (extension): passed on at once, never throttled, in a room and a DM; the next start goes out at once', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a, b] = await chat.connectEach(alice, bob);
    await joinAll(room, a, b);

    a.send({ type: 'typing', room });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', room, user: userShape(alice.user) });
    // within the 2 s interval: the stop still goes out, and then a new start does too
    a.send({ type: 'typing', room, stopped: true });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', room, user: userShape(alice.user), stopped: true });
    a.send({ type: 'typing', room });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', room, user: userShape(alice.user) });

    a.send({ type: 'typing', with: bob.user.id });
    await b.next(isTyping);
    a.send({ type: 'typing', with: bob.user.id, stopped: true });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', with: alice.user.id, user: userShape(alice.user), stopped: true });

    // anything but `true` is a plain typing notice: after a start, throttled within the interval
    a.send({ type: 'typing', with: bob.user.id, stopped: 'yes' });
    expect(await b.next<TypingMessage>(isTyping)).toEqual({ type: 'typing', with: alice.user.id, user: userShape(alice.user) });
    a.send({ type: 'typing', with: bob.user.id, stopped: false });
    await a.settle();
    await expectNone(b, isTyping);
    await expectNone(a, (m) => m.type === 'error');
  });

  it('needs the typist in the room, a room that exists and a known user; errors keep the connection', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(bob);
    const [a, b] = await chat.connectEach(alice, bob);
    await join(b, room);

    const cases: { request: Record<string, unknown>; code: string }[] = [
      { request: { type: 'typing', room }, code: 'not_in_room' },
      { request: { type: 'typing', room: 'no-such-room-here' }, code: 'no_such_room' },
      { request: { type: 'typing', with: 'no-such-user-id' }, code: 'no_such_user' },
      { request: { type: 'typing' }, code: 'bad_message' },
      { request: { type: 'typing', room, with: bob.user.id }, code: 'bad_message' },
      { request: { type: 'typing', room: 7 }, code: 'bad_message' },
    ];
    cases.forEach(({ request }, i) => a.send({ ...request, ref: `t${i}` }));
    for (const [i, { request, code }] of cases.entries()) {
      const error = await a.next<ErrorMessage>((m) => m.type === 'error');
      expect(error.data.code, JSON.stringify(request)).toBe(code);
      expect(error.ref).toBe(`t${i}`);
    }
    await expectNone(b, isTyping);

    // still open: joining and typing now works
    await join(a, room);
    a.send({ type: 'typing', room });
    await b.next(isTyping);
  });
});
