// Join/leave flood: one user's tabs joining and leaving a room as fast as they can; each join
// and leave that gets through writes a membership and tells the room.
import { sleep, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { DiskWatch } from '../disk.js';
import { kb, seconds } from '../format.js';
import { describeFlood, floodFrames } from '../frameFlood.js';
import { connect, freshRoomName, makeRoom, signInMany, type Conn } from '../users.js';

export async function joinLeaveFlood(context: Context): Promise<Outcome> {
  const { frameFloodTabs: tabs, frameFloodMs: ms } = context.sizes;
  const [flooder, member] = await signInMany(context, 2, 'joiner');
  if (!flooder || !member) throw new Error('no joiner');
  const room = freshRoomName('joinleave');
  const made = await makeRoom(context.target, flooder, room);
  if (made !== 201) throw new Error(`POST /rooms answered ${made}`);
  // Someone else in the room, as a plain client and as the page (batched presence): what the flood costs them.
  const members: Conn[] = [];
  for (const batchPresence of [false, true]) {
    let joined = false;
    const conn = await connect(context.target, member, {
      greeted: true,
      batchPresence,
      onMessage: (message) => {
        if (message.type === 'list' && message.room === room) joined = true;
      },
    });
    conn.send({ type: 'join', room });
    if (!(await until(() => joined, 5000))) throw new Error(`the member could not join ${room}`);
    members.push(conn);
  }
  const [plain, page] = members as [Conn, Conn];
  const before = members.map((conn) => ({ frames: conn.frames, bytes: conn.bytes }));
  let lists = 0;
  const disk = new DiskWatch(context.target);
  const flood = await floodFrames(context, flooder, {
    tabs,
    ms,
    frame: (i) => (i % 2 === 0 ? { type: 'join', room } : { type: 'leave', room }),
    // Each join let through is answered with the room's list.
    onMessage: (message) => {
      if (message.type === 'list' && message.room === room) lists++;
    },
  });
  await sleep(300);
  const got = (conn: Conn, i: number) => `${conn.frames - (before[i]?.frames ?? 0)} frames, ${kb(conn.bytes - (before[i]?.bytes ?? 0))}`;
  const seen = `a member got ${got(plain, 0)} (plain), ${got(page, 1)} (presence=batch)`;
  for (const conn of members) conn.terminate();
  return {
    tried: `${flood.sent.toLocaleString('en')} join/leave frames for one room from 1 user in ${tabs} tabs for ${seconds(ms)}`,
    happened: `${lists} joins answered, ${describeFlood(flood)}; ${seen}; ${disk.stop()}`,
  };
}
