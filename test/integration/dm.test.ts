// Direct messages (docs/protocol.md §4–§5) against the real server with real `ws` clients: a `dm`
// reaches every connection of sender and recipient and nobody else, an unknown recipient is an
// error, and an offline recipient finds it in the conversation's history.
import { describe, expect, it } from 'vitest';
import type { DirectMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { dmWith, expectNone, expectStillChatting, isError, unique, userShape } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;

const chat = useServer();

describe('dm', () => {
  it('reaches every connection of sender and recipient and nobody else; ref only on the sending connection', async () => {
    const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
    const [a1, a2, b1, b2, c] = await chat.connectEach(alice, alice, bob, bob, carol);

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
    await expectNone(c, (m) => m.type === 'dm' || (m.type === 'chat' && m.data === text));
    for (const client of [a1, a2, b1, b2]) await expectNone(client, dmWith(text));

    // and the answer goes the other way
    const reply = unique('reply');
    b2.send({ type: 'dm', to: alice.user.id, data: reply });
    const got = await a1.next<DirectMessage>(dmWith(reply));
    expect(got.user).toEqual(userShape(bob.user));
    expect(got.to).toEqual(userShape(alice.user));
    expect(got.id).toBeGreaterThan(own.id);
    expect('ref' in got).toBe(false);
    await b1.next(dmWith(reply));
    await expectNone(c, (m) => m.type === 'dm');
  });

  it('a dm to an unknown user is no_such_user, and the connection stays open', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    a.send({ type: 'dm', to: 'no-such-user-id', data: 'hello?', ref: 'nobody' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('no_such_user');
    expect(error.ref).toBe('nobody');
    await expectNone(a, (m) => m.type === 'dm');
    await expectStillChatting(a);
  });

  it('an offline recipient finds the dm later in the conversation history', async () => {
    const alice = await chat.signIn('Alice');
    const bob = await chat.signIn('Bob'); // signed in, never connected
    const carol = await chat.signIn('Carol');
    const a = await chat.connect(alice);

    const text = unique('while you were out');
    a.send({ type: 'dm', to: bob.user.id, data: text });
    const sent = await a.next<DirectMessage>(dmWith(text));

    const b = await chat.connect(bob);
    // not part of the lobby greeting
    const greeting = b.received.find((m): m is HistoryMessage => m.type === 'history');
    expect(greeting?.data.some((m) => m.data === text)).toBe(false);

    b.send({ type: 'history', with: alice.user.id });
    const history = await b.next<HistoryMessage>((m) => m.type === 'history' && 'with' in m);
    expect('with' in history && history.with).toBe(alice.user.id);
    expect(history.data.at(-1)).toEqual({ type: 'dm', id: sent.id, ts: sent.ts, user: userShape(alice.user), to: userShape(bob.user), data: text });

    // a third user asking about Alice does not see it
    const c = await chat.connect(carol);
    c.send({ type: 'history', with: alice.user.id });
    const other = await c.next<HistoryMessage>((m) => m.type === 'history' && 'with' in m);
    expect(other.data).toEqual([]);
  });
});
