// The rate limit (docs/protocol.md §5): RATE_LIMIT messages per user in the window, across tabs,
// refused with rate_limited and then closed with 1008; RATE_LIMIT=0 turns it off.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, closeCode, expectNone, isError, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;

describe('rate limit (RATE_LIMIT=3)', () => {
  const limited = useServer({ RATE_LIMIT: '3' });

  it('refuses the 4th chat in the window with rate_limited, keeps the connection, and leaves other users alone', async () => {
    const alice = await limited.signIn('Alice');
    const bob = await limited.signIn('Bob');
    const a = await limited.connect(alice);
    const b = await limited.connect(bob);

    for (let i = 0; i < 3; i++) await say(a, unique('ok'));
    const refused = unique('refused');
    a.send({ type: 'chat', data: refused, ref: 'fourth' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('rate_limited');
    expect(error.ref).toBe('fourth');
    await expectNone(b, chatWith(refused));
    await expectNone(a, chatWith(refused));

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

  it('says in `retryAfter` (extension) when a message would be let in, and one sent then is', async () => {
    const alice = await limited.signIn('Alice');
    const a = await limited.connect(alice);
    for (let i = 0; i < 3; i++) await say(a, unique('ok'));
    a.send({ type: 'chat', data: unique('refused'), ref: 'over' });
    const error = await a.next<ErrorMessage>(isError);
    // Counted from the answer: the server measured retryAfter before it was sent.
    const refusedAt = Date.now();
    expect(error.data.code).toBe('rate_limited');
    const retryAfter = error.data.retryAfter as number;
    expect(Number.isInteger(retryAfter)).toBe(true);
    // the window is 10 s and the first of the three was taken just before: nearly all of it is left
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10_000);
    // a DM is counted in the same window and told the same
    a.send({ type: 'dm', to: alice.user.id, data: unique('dm refused'), ref: 'dm-over' });
    const dmError = await a.next<ErrorMessage>(isError);
    expect(dmError.data.code).toBe('rate_limited');
    expect(dmError.data.retryAfter).toBeGreaterThan(0);
    // once that time has passed, the message goes through (a sleep on purpose: the window has to move)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, refusedAt + retryAfter + 50 - Date.now())));
    const later = unique('let in');
    a.send({ type: 'chat', data: later, ref: 'later' });
    expect((await a.next<ChatMessage>(chatWith(later))).ref).toBe('later');
  }, 20_000);

  it('other errors carry no `retryAfter`', async () => {
    const alice = await limited.signIn('Alice');
    const a = await limited.connect(alice);
    a.send({ type: 'chat', room: 'no-such-room-here', data: 'x', ref: 'nr' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('no_such_room');
    expect('retryAfter' in error.data).toBe(false);
  });

  it('counts the messages of all tabs of a user together', async () => {
    const alice = await limited.signIn('Alice');
    const bob = await limited.signIn('Bob');
    const a1 = await limited.connect(alice);
    const a2 = await limited.connect(alice);
    const b = await limited.connect(bob);

    await say(a1, unique('tab1-a'));
    await say(a1, unique('tab1-b'));
    await say(a2, unique('tab2-a'));

    const fromTab2 = unique('tab2-over');
    a2.send({ type: 'chat', data: fromTab2, ref: 't2' });
    expect((await a2.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    const fromTab1 = unique('tab1-over');
    a1.send({ type: 'chat', data: fromTab1, ref: 't1' });
    expect((await a1.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    await expectNone(b, (m) => m.type === 'chat' && (m.data === fromTab1 || m.data === fromTab2));

    // Bob still has his own allowance
    for (let i = 0; i < 3; i++) await say(b, unique('bob'));
  });

  it('closes with 1008 a connection that keeps going after as many refusals again as the limit', async () => {
    const alice = await limited.signIn('Alice');
    const bob = await limited.signIn('Bob');
    const a = await limited.connect(alice);
    const b = await limited.connect(bob);

    for (let i = 0; i < 3; i++) await say(a, unique('ok'));
    for (let i = 0; i < 3; i++) {
      a.send({ type: 'chat', data: unique('refused') });
      expect((await a.next<ErrorMessage>(isError)).data.code).toBe('rate_limited');
    }
    expect(a.socket.readyState).toBe(WebSocket.OPEN);

    const last = unique('one too many');
    a.send({ type: 'chat', data: last });
    expect(await closeCode(a)).toBe(1008);
    await expectNone(b, chatWith(last));
  });
});

describe('no rate limit (RATE_LIMIT=0)', () => {
  const unlimited = useServer({ RATE_LIMIT: '0' });

  it('RATE_LIMIT=0 turns the limit off; the greeting carries the latest 50 messages by default', async () => {
    const alice = await unlimited.signIn('Alice');
    const bob = await unlimited.signIn('Bob');
    const a = await unlimited.connect(alice);
    const b = await unlimited.connect(bob);

    const texts = Array.from({ length: 55 }, (_, i) => unique(`burst-${i}`));
    for (const text of texts) a.send({ type: 'chat', data: text });
    const atBob: ChatMessage[] = [];
    for (const text of texts) atBob.push(await b.next<ChatMessage>(chatWith(text)));
    for (const text of texts) await a.next(chatWith(text));
    expect(a.received.filter(isError)).toEqual([]);
    const ids = atBob.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(55);

    const carol = await unlimited.signIn('Carol');
    const c = await unlimited.open(carol);
    const history = await c.next<HistoryMessage>((m) => m.type === 'history');
    expect(history.data.map((m) => m.id)).toEqual(ids.slice(-50));
    expect(history.data.map((m) => m.data)).toEqual(texts.slice(-50));
  });
});
