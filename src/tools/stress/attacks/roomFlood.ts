// Room creation flood: one user making rooms (`POST /rooms`) as fast as it can, then more users
// from the same address; what an idle socket of someone else is sent meanwhile, as a plain
// client (every name, each time) and as the page (`?rooms=changes`: the change alone), and
// whether the chat page grows.
import { ROOMS_CHANGES, type ServerMessage } from '../../../shared/protocol/index.js';
import { request, type Account } from '../../kit/http.js';
import { pool, range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, kb, seconds, tally } from '../format.js';
import { connect, freshRoomName, makeRoom, signIn, signInMany } from '../users.js';

/** Requests in flight at once for each user. */
const CONCURRENCY = 8;

export async function roomFlood(context: Context): Promise<Outcome> {
  const { roomRequests: perUser, roomUsers } = context.sizes;
  const { target } = context;
  // All from one address: the first user alone, then the others.
  const [first, ...others] = await signInMany(context, 1 + roomUsers, 'roomer');
  if (!first) throw new Error('no room maker');
  const watcher = (await signIn(target, 'Room watcher', context.addresses.fresh())).account;
  if (!watcher) throw new Error('no watcher');
  // What they are told of rooms (the pair's chats reach them too, and are not counted).
  const told = { plain: 0, changes: 0 };
  const roomNews = (key: keyof typeof told) => (message: ServerMessage) => {
    if (message.type === 'rooms' || message.type === 'room') told[key] += Buffer.byteLength(JSON.stringify(message));
  };
  const plain = await connect(target, watcher, { greeted: true, onMessage: roomNews('plain') });
  const changes = await connect(target, watcher, { greeted: true, rooms: ROOMS_CHANGES, onMessage: roomNews('changes') });
  const page = async () => (await request(target.url, 'GET', '/', { cookie: watcher.cookie })).body;
  const pageBefore = Buffer.byteLength(await page());

  const tag = freshRoomName('flood');
  const make = async (users: Account[], prefix: string) => {
    const statuses = new Map<string | number, number>();
    await pool(range(users.length * perUser), CONCURRENCY * users.length, async (i) => {
      const name = `${prefix}-${i % users.length}-${Math.floor(i / users.length)}`;
      count(statuses, await makeRoom(target, users[i % users.length] as Account, name).catch((error: Error) => error.message));
    });
    return statuses;
  };
  const started = Date.now();
  const alone = await make([first], `${tag}-a`);
  const together = await make(others, `${tag}-b`);
  const ms = Date.now() - started;
  await sleep(200);
  // The page lists the reader's own rooms: none of these (its size follows the lobby's latest messages).
  const after = await page();
  const named = after.split(tag).length - 1;
  const idle = `an idle socket was sent ${kb(told.plain)} of room news (plain), ${kb(told.changes)} (rooms=changes)`;
  plain.terminate();
  changes.terminate();
  return {
    tried: `POST /rooms ${perUser} times from 1 user, then ${perUser} times each from ${others.length} more users of its address`,
    happened:
      `1 user: ${tally(alone)}; ${others.length} more: ${tally(together)}; in ${seconds(ms)}; ${idle}; ` +
      `GET / ${pageBefore.toLocaleString('en')} bytes before, ${Buffer.byteLength(after).toLocaleString('en')} after, naming ${named} of the new rooms`,
  };
}
