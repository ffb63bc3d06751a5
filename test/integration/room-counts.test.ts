// Live head-counts (docs/protocol.md, "`?counts=live`"): a page that follows counts hears how many
// are in public rooms it is not in, as people come and go on any process, coalesced into at most a
// frame a second; a private room's count is never told. Real server, real `ws` clients.
import { expect, it } from 'vitest';
import type { ServerMessages } from '../../src/shared/protocol/index.js';
import { join, leave, roomName } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { makePrivate } from '../helpers/privateRooms.js';

type Counts = ServerMessages['counts'];

const chat = useServer({ RATE_LIMIT: '0' });

const about = (room: string) => (m: { type: string }) => m.type === 'counts' && (m as Counts).data.some((c) => c.room === room);

/** The next count of `room` the follower hears. */
async function nextCount(client: TestClient, room: string): Promise<number> {
  const counts = await client.next<Counts>(about(room), 5000);
  return counts.data.find((c) => c.room === room)!.count;
}

it('tells a follower how many are in a room it is not in, as people join, leave and close, wherever they are', async () => {
  const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
  const room = await chat.createRoom(bob);
  const a = await chat.connect(alice, { counts: 'live' });
  const [b, c] = await chat.connectEach(bob, carol);

  await join(b, room);
  expect(await nextCount(a, room)).toBe(1);
  await join(c, room);
  expect(await nextCount(a, room)).toBe(2);
  await leave(b, room);
  expect(await nextCount(a, room)).toBe(1);
  await c.close();
  expect(await nextCount(a, room)).toBe(0);
  // Alice never joined it: counts are all she heard of it.
  expect(a.received.some((m) => (m.type === 'list' || m.type === 'presence') && m.room === room)).toBe(false);
});

it('counts a person once, however many tabs they have there', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const room = await chat.createRoom(bob);
  const a = await chat.connect(alice, { counts: 'live' });
  const [b1, b2] = await chat.connectEach(bob, bob);
  await join(b1, room);
  await join(b2, room);
  await leave(b1, room);
  expect(await nextCount(a, room)).toBe(1);
  b2.send({ type: 'leave', room });
  expect(await nextCount(a, room)).toBe(0);
  expect(a.received.filter(about(room)).flatMap((m) => (m as Counts).data.filter((c) => c.room === room).map((c) => c.count))).toEqual([1, 0]);
});

it('coalesces a burst of arrivals into a few frames, not one per arrival', async () => {
  const watcherUser = await chat.signIn('Watcher');
  const crowd = await Promise.all(Array.from({ length: 30 }, (_, i) => chat.signIn(`Crowd${i}`)));
  const room = await chat.createRoom(watcherUser);
  const clients = await Promise.all(crowd.map((who) => chat.connect(who)));
  const watcher = await chat.connect(watcherUser, { counts: 'live' });
  await Promise.all(clients.map((client) => join(client, room)));
  while ((await nextCount(watcher, room)) < crowd.length);
  const frames = watcher.received.filter(about(room)).length;
  expect(frames).toBeLessThan(crowd.length / 3);
});

it('never tells the count of a private room, to its members either', async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  const secret = roomName('secret');
  expect((await makePrivate(chat.server.url, bob, secret)).status).toBe(201);
  const open = await chat.createRoom(bob);
  const a = await chat.connect(alice, { counts: 'live' });
  const b = await chat.connect(bob, { counts: 'live' });
  await join(b, secret);
  await join(b, open);
  // The secret room's count, were it told, would come no later than the open one's.
  expect(await nextCount(a, open)).toBe(1);
  expect(a.received.some(about(secret))).toBe(false);
  expect(b.received.some(about(secret))).toBe(false);
});
