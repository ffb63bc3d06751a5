// Read flood: one user's tabs sending `read` markers as fast as they can, each moving a marker on
// (a write to the store when it is let through).
import { sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { DiskWatch } from '../disk.js';
import { seconds } from '../format.js';
import { describeFlood, floodFrames } from '../frameFlood.js';
import { signInMany } from '../users.js';

export async function readFlood(context: Context): Promise<Outcome> {
  const { frameFloodTabs: tabs, frameFloodMs: ms } = context.sizes;
  const [reader] = await signInMany(context, 1, 'reader');
  if (!reader) throw new Error('no reader');
  // The marker of a conversation with one of the pair, one message further each time: a read that
  // gets through moves it (up to the newest message), and so writes.
  const other = context.pair.a.account.user.id;
  const disk = new DiskWatch(context.target);
  const flood = await floodFrames(context, reader, {
    tabs,
    ms,
    frame: (i, tab) => ({ type: 'read', with: other, id: i * tabs + tab + 1 }),
  });
  await sleep(300);
  return {
    tried: `${flood.sent.toLocaleString('en')} read frames from 1 user in ${tabs} tabs for ${seconds(ms)}`,
    happened: `${describeFlood(flood)}; ${disk.stop()}`,
  };
}
