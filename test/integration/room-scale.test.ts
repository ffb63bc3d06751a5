// A site with thousands of rooms: the chat page shows the reader's own rooms (others are in the
// directory), so it is no bigger with 3,000 rooms than with 3; a room made is one small frame to a
// page's socket (`?rooms=changes`); the contract's `GET /rooms` and `rooms` list still name them all.
import { expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { joinAll, roomName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

const MANY = 3000;
/** `{"type":"room","change":"created","room":"<name>"}` with a name of a dozen characters. */
const CHANGE_FRAME_BYTES = 80;

const chat = useServer();

async function pageBytes(who: SignedIn): Promise<number> {
  const response = await fetch(`${chat.server.url}/`, { headers: { cookie: who.cookie } });
  expect(response.status).toBe(200);
  return (await response.arrayBuffer()).byteLength;
}

it(`renders the chat page with ${MANY} rooms about as big as with 3, and tells a page each new room in one small frame`, async () => {
  const [alice, bob] = await chat.users('Alice', 'Bob');
  // Alice's two rooms, and one that is not hers.
  for (const room of ['mine1', 'mine2', 'notmine']) await chat.createRoom(bob, room);
  const client = await chat.connect(alice);
  for (const room of ['mine1', 'mine2']) await joinAll(room, client);
  await chat.closeSockets();
  const withThree = await pageBytes(alice);

  // Straight into the store while the server is down: quicker than 3,000 requests.
  await chat.restart({
    between: (dataDir) => {
      const store = new SqliteEngine(dataDir);
      store.beginBatch();
      for (let i = 0; i < MANY; i++) store.createRoom(`bulk${i}`, Date.now(), alice.user.id);
      store.commitBatch();
      store.close();
    },
  });
  const withMany = await pageBytes(alice);
  expect(withMany).toBeLessThan(withThree * 1.1);
  const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie: alice.cookie } })).text();
  expect(html).toContain('data-room="mine1"');
  expect(html).toContain('data-room="mine2"');
  expect(html).not.toContain('data-room="notmine"');
  expect(html).not.toContain('data-room="bulk1"');

  // The contract's list still names every room, with who is in it.
  const all = (await (await fetch(`${chat.server.url}/rooms`, { headers: { cookie: alice.cookie } })).json()) as { name: string }[];
  expect(all).toHaveLength(MANY + 4);

  const page = await chat.connect(alice, { rooms: 'changes', presence: 'batch', people: 'lazy' });
  const plain = await chat.connect(alice);
  await page.settle();
  const before = page.bytes;
  const made: string[] = [];
  for (let i = 0; i < 5; i++) made.push(await chat.createRoom(alice, roomName('new')));
  await page.settle();
  const changes = page.pending((m) => m.type === 'room' || m.type === 'rooms');
  expect(changes).toEqual(made.map((room) => ({ type: 'room', change: 'created', room })));
  // Five small frames and the pong: not five lists of 3,000 names.
  expect(page.bytes - before).toBeLessThan(5 * CHANGE_FRAME_BYTES + 50);
  // A protocol client that did not ask still gets the contract's `rooms`, every name.
  const lists = await Promise.all(made.map(() => plain.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms')));
  expect(lists.at(-1)?.data).toHaveLength(MANY + 4 + 5);
}, 60_000);
