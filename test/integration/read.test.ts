// Read markers (docs/protocol.md, "Rooms of your own, unread, typing and search"): `read` from the
// client marks a room or a DM conversation read up to an id, never backwards; the user's other tabs
// hear it, nobody else does, and a reload agrees. Real server, real `ws` clients.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { dm, expectNone, join, joinAll, personName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';
import { connectWithUnread, entryFor, isRead, markRead } from '../helpers/unread.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const chat = useServer({ RATE_LIMIT: '0' });

const connect = (who: SignedIn) => connectWithUnread(chat, who);

async function tab(who: SignedIn) {
  return (await connect(who)).client;
}

describe('read', () => {
  it('marks a room read up to id: the other tabs hear it, the sender and others do not, and a reload agrees', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const room = await chat.createRoom(alice);
    const a = await tab(alice);
    const b1 = await tab(bob);
    const b2 = await tab(bob);
    await joinAll(room, a, b1);

    const sent: ChatMessage[] = [];
    for (let i = 0; i < 4; i++) sent.push(await say(a, unique(`m${i}`), room));

    // the room named in another case: the echo carries the room's own spelling
    const echoed = await markRead(b1, b2, { room: room.toUpperCase() }, sent[1]!.id);
    expect(echoed).toEqual({ type: 'read', room, id: sent[1]!.id });
    await expectNone(b1, isRead);
    await expectNone(a, isRead);

    const { unread } = await connect(bob);
    expect(entryFor(unread, { room })).toEqual({ room, count: 2, mentions: 0, lastReadId: sent[1]!.id });

    // never backwards: an older id changes nothing and nobody hears of it
    b1.send({ type: 'read', room, id: sent[0]!.id });
    await b1.settle();
    await expectNone(b2, isRead);
    expect(entryFor((await connect(bob)).unread, { room })).toMatchObject({ count: 2, lastReadId: sent[1]!.id });

    // all read: the room drops out of unread
    await markRead(b2, b1, { room }, sent[3]!.id);
    expect(entryFor((await connect(bob)).unread, { room })).toBeUndefined();
  });

  it('marks a DM conversation read with `with`, for that conversation only', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const carol = await chat.signIn(personName('Carol'));
    const a = await tab(alice);
    const c = await tab(carol);
    const b1 = await tab(bob);
    const b2 = await tab(bob);

    const first = await dm(a, bob.user, unique('one'));
    const second = await dm(a, bob.user, unique('two'));
    await dm(c, bob.user, unique('from carol'));

    const echoed = await markRead(b1, b2, { with: alice.user.id }, first.id);
    expect(echoed).toEqual({ type: 'read', with: alice.user.id, id: first.id });
    const unread = (await connect(bob)).unread;
    expect(entryFor(unread, { with: alice.user.id })).toEqual({ with: alice.user.id, count: 1, mentions: 0, lastReadId: first.id });
    expect(entryFor(unread, { with: carol.user.id })).toMatchObject({ count: 1, lastReadId: 0 });

    await markRead(b1, b2, { with: alice.user.id }, second.id);
    expect(entryFor((await connect(bob)).unread, { with: alice.user.id })).toBeUndefined();
    // Alice's own view of the conversation is hers alone: nothing Bob read shows up for her
    await expectNone(a, isRead);
  });

  it('an id past the newest message reads only what exists: later messages still count', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const a = await tab(alice);
    const b1 = await tab(bob);
    const b2 = await tab(bob);
    await say(a, unique('now'));

    const echoed = await markRead(b1, b2, { room: 'lobby' }, Number.MAX_SAFE_INTEGER);
    expect(echoed.id).toBeLessThan(Number.MAX_SAFE_INTEGER);
    const later = await say(a, unique('later'));
    expect(entryFor((await connect(bob)).unread, { room: 'lobby' })).toMatchObject({ count: 1, lastReadId: echoed.id });
    expect(echoed.id).toBeLessThan(later.id);
  });

  it('refuses what it cannot mark, naming the error and keeping the connection', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const notMine = await chat.createRoom(alice);
    const b1 = await tab(bob);
    const b2 = await tab(bob);

    const cases: { request: Record<string, unknown>; code: string }[] = [
      { request: { type: 'read', room: 'no-such-room-here', id: 1 }, code: 'no_such_room' },
      { request: { type: 'read', room: notMine, id: 1 }, code: 'not_in_room' },
      { request: { type: 'read', with: 'no-such-user-id', id: 1 }, code: 'no_such_user' },
      { request: { type: 'read', room: 'lobby' }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: -1 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: 2.5 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: '3' }, code: 'bad_message' },
      { request: { type: 'read', id: 3 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', with: alice.user.id, id: 3 }, code: 'bad_message' },
    ];
    cases.forEach(({ request }, i) => b1.send({ ...request, ref: `r${i}` }));
    for (const [i, { request, code }] of cases.entries()) {
      const error = await b1.next<ErrorMessage>((m) => m.type === 'error');
      expect(error.data.code, JSON.stringify(request)).toBe(code);
      expect(error.ref).toBe(`r${i}`);
    }
    await expectNone(b2, isRead);
    // still open and working
    const text = unique('still here');
    await say(b1, text);
  });
});
