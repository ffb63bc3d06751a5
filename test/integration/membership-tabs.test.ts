// Your other tabs follow you (docs/protocol.md, "Persistent membership"): joining or leaving a room
// on one connection tells the user's other page connections (`?rooms=changes`), on every process,
// with `membership`, and nobody else; the room still hears `left` only when the user's last connection there leaves.
import { expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { expectNone, flushPresence, join, leave, presence, refusal, roomName } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { makePrivate } from '../helpers/privateRooms.js';
import type { SignedIn } from '../helpers/server.js';

const chat = useServer({ RATE_LIMIT: '0' });

const membership = (m: ServerMessage) => m.type === 'membership';

/** A connection as the page opens one, asking for the changes of rooms (membership among them). */
const tab = (who: SignedIn) => chat.connect(who, { rooms: 'changes' });

/** Each of them connected as a page, one after another. */
async function tabs(...who: SignedIn[]): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (const one of who) clients.push(await tab(one));
  return clients;
}

it('tells the user\'s other connections of a room joined and left, and nobody else', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const room = await chat.createRoom(bob);
  const [a1, a2, a3, b] = (await tabs(alice, alice, alice, bob)) as [TestClient, TestClient, TestClient, TestClient];
  // A plain protocol client of Alice's asked for nothing of the kind: it hears nothing new.
  const plain = await chat.connect(alice);

  await join(a1, room);
  for (const other of [a2, a3]) expect(await other.next(membership)).toEqual({ type: 'membership', room, member: true, createdBy: bob.user.id });
  // Already a member: another tab joining is no news to the rest.
  await join(a2, room);
  await leave(a1, room);
  for (const other of [a2, a3]) expect(await other.next(membership)).toEqual({ type: 'membership', room, member: false });
  // The leaver's tab was told nothing of its own doing; Bob, nothing at all.
  await expectNone(a1, membership);
  await expectNone(a3, membership);
  await expectNone(b, membership);
  await expectNone(plain, membership);
});

it('leaves the other tabs in the room until they leave too: the room hears left once, from the last', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const room = await chat.createRoom(bob);
  const [a1, a2, b] = (await tabs(alice, alice, bob)) as [TestClient, TestClient, TestClient];
  for (const client of [b, a1, a2]) await join(client, room);

  await leave(a1, room);
  await a2.next(membership);
  await flushPresence(b, room);
  expect(b.pending(presence('left', alice.user, room))).toEqual([]);
  // The page's tab follows by leaving: once, and the room hears it then.
  await leave(a2, room);
  await b.next(presence('left', alice.user, room));
  // That second leave was no news to the first tab: the membership had ended already.
  await expectNone(a1, membership);
});

it('marks a private room so, and a tab joining the lobby is no news', async () => {
  const alice = await chat.signIn('Alice');
  const secret = roomName('secret');
  expect((await makePrivate(chat.server.url, alice, secret)).status).toBe(201);
  const [a1, a2] = (await tabs(alice, alice)) as [TestClient, TestClient];
  // Its maker is a member from the start: each tab is told so on connecting, marked private.
  for (const client of [a1, a2]) expect(await client.next(membership)).toEqual({ type: 'membership', room: secret, member: true, private: true, createdBy: alice.user.id });
  // Joining it is no news then.
  await join(a1, secret);
  await join(a1, 'lobby');
  await expectNone(a2, membership);
  await leave(a1, secret);
  expect(await a2.next(membership)).toEqual({ type: 'membership', room: secret, member: false });
});

it('enters a room of mine again with `again`, and refuses one left meanwhile without making it mine anew', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const room = await chat.createRoom(bob);
  const [a1, a2] = (await tabs(alice, alice)) as [TestClient, TestClient];
  await join(a1, room);
  await a2.next(membership);
  // A member enters as with any join.
  a2.send({ type: 'join', room, again: true });
  await a2.next((m) => m.type === 'list' && m.room === room);

  // The second tab goes offline; the first leaves; the second comes back and re-enters its rooms.
  await a2.close();
  await leave(a1, room);
  const a3 = await tab(alice);
  expect((await refusal(a3, { type: 'join', room, again: true })).code).toBe('not_in_room');
  // Not hers again: nothing to mark read there, and the first tab heard of no new membership.
  expect((await refusal(a3, { type: 'read', room, id: 1 })).code).toBe('not_in_room');
  await expectNone(a1, membership);
  expect((await refusal(a3, { type: 'join', room, again: false })).code).toBe('bad_message');
});

it('tells a page connecting of every room of its user (one offline meanwhile learns those joined elsewhere), a plain client of none', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const open = await chat.createRoom(bob);
  const closed = roomName('closed');
  expect((await makePrivate(chat.server.url, alice, closed)).status).toBe(201);
  const first = await tab(alice);
  await join(first, open);

  const back = await tab(alice);
  const told = [await back.next(membership), await back.next(membership)].sort((a, b) => ('room' in a && 'room' in b ? a.room.localeCompare(b.room) : 0));
  expect(told).toEqual(
    [
      { type: 'membership', room: open, member: true, createdBy: bob.user.id },
      { type: 'membership', room: closed, member: true, private: true, createdBy: alice.user.id },
    ].sort((a, b) => a.room.localeCompare(b.room)),
  );
  // Nothing for the lobby, and nothing more; a plain protocol client hears none of it.
  await expectNone(back, membership);
  await expectNone(await chat.connect(alice), membership);
});
