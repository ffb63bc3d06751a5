// What one user's sockets may send besides messages (docs/security.md): every other frame counted
// per user across tabs (FRAME_RATE_LIMIT), history pages a tenth of that, the rooms one may belong
// to (MAX_ROOMS_PER_USER); refused with rate_limited or too_many_rooms, closed with 1008 when a
// connection keeps going. Against the real server with real `ws` clients.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { closeCode, expectStillChatting, isError, join } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

describe('frames other than messages (FRAME_RATE_LIMIT=10)', () => {
  const chat = useServer({ FRAME_RATE_LIMIT: '10', RATE_LIMIT: '0' });

  it('refuses the 11th in the window with rate_limited, counting every tab of the user, and not other users', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);
    for (let i = 0; i < 5; i++) a1.send({ type: 'read', room: 'lobby', id: 0 });
    for (let i = 0; i < 4; i++) a2.send({ type: 'typing', room: 'lobby' });
    a2.send({ type: 'ping', ref: 'tenth' });
    await a2.next((m) => m.type === 'pong' && m.ref === 'tenth');

    a1.send({ type: 'read', room: 'lobby', id: 0, ref: 'eleventh' });
    const refused = await a1.next<ErrorMessage>(isError);
    expect(refused.data.code).toBe('rate_limited');
    expect(refused.ref).toBe('eleventh');

    // Bob's allowance is his own; messages are counted apart (RATE_LIMIT is off here).
    b.send({ type: 'ping', ref: 'bob' });
    await b.next((m) => m.type === 'pong' && m.ref === 'bob');
    await expectStillChatting(a1);
  });

  it('closes with 1008 a connection that keeps sending after as many refusals again as the limit', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    for (let i = 0; i < 40; i++) a.send({ type: 'read', room: 'lobby', id: 0 });
    expect(await closeCode(a)).toBe(1008);
  });

  // How quick the others stay meanwhile is a figure of `npm run stress` (the frame flood), not a timed test.
  it('closes a flooding connection and keeps answering everyone else meanwhile', async () => {
    const [flooder, bystander] = await chat.users('Flooder', 'Bystander');
    const b = await chat.connect(bystander);
    const f = await chat.connect(flooder);
    // Far past the strikes, all in flight before the server can answer any of it.
    const frame = JSON.stringify({ type: 'read', room: 'lobby', id: 0 });
    for (let i = 0; i < 200_000; i++) f.socket.send(frame);
    for (let i = 0; i < 10; i++) await b.settle();
    expect(await closeCode(f, 5000)).toBe(1008);
    await expectStillChatting(b);
  });

  it('counts frames that do not parse: a flood of them is limited too', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    for (let i = 0; i < 10; i++) a.send({ type: 'nonsense' });
    a.send({ type: 'nonsense', ref: 'eleventh' });
    const errors: string[] = [];
    await a.next((m) => {
      if (m.type === 'error') errors.push(m.data.code);
      return m.type === 'error' && m.ref === 'eleventh';
    });
    expect(errors.slice(0, 10)).toEqual(Array(10).fill('unknown_type'));
    expect(errors[10]).toBe('rate_limited');
  });

  it('allows a tenth as many history pages: each reads up to 100 messages', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    a.send({ type: 'history', room: 'lobby', limit: 1 });
    await a.nextOfType('history');
    a.send({ type: 'history', room: 'lobby', limit: 1, ref: 'second' });
    const refused = await a.next<ErrorMessage>(isError);
    expect(refused.data).toMatchObject({ code: 'rate_limited' });
    expect(refused.ref).toBe('second');
  });
});

describe('rooms one user may belong to (MAX_ROOMS_PER_USER=2)', () => {
  const chat = useServer({ MAX_ROOMS_PER_USER: '2', RATE_LIMIT: '0' });

  it('refuses joining a third room with too_many_rooms and changes nothing; the lobby is not counted', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [first, second, third] = [await chat.createRoom(bob), await chat.createRoom(bob), await chat.createRoom(bob)];
    const a = await chat.connect(alice);
    await join(a, first);
    await join(a, second);
    a.send({ type: 'join', room: third, ref: 'third' });
    const refused = await a.next<ErrorMessage>(isError);
    expect(refused.data).toEqual({ code: 'too_many_rooms', message: 'You are in 2 rooms, as many as one person may be: leave one first' });
    expect(refused.ref).toBe('third');

    // Not a member, and not in the room now: a chat there is refused.
    a.send({ type: 'chat', room: third, data: 'hello', ref: 'chat' });
    expect((await a.next<ErrorMessage>(isError)).data.code).toBe('not_in_room');
    // A room one belongs to already can be joined again at the cap (another tab, a reconnect).
    const again = await chat.connect(alice);
    await join(again, second);
    // After leaving one, there is room for another.
    a.send({ type: 'leave', room: first });
    await a.next((m) => m.type === 'left' && m.room === first);
    await join(a, third);
  });
});
