// Connection burst: many users connecting at once.
import { Refused } from '../../kit/client.js';
import { pool, sleep, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, mb, seconds, tally } from '../format.js';
import { newWatch } from '../pair.js';
import { SIGNINS_PER_ADDRESS } from '../sizes.js';
import { connect, signInMany, type Conn } from '../users.js';

export async function connectionBurst(context: Context): Promise<Outcome> {
  const n = context.sizes.burstUsers;
  const accounts = await signInMany(context, n, 'burst');
  const watch = (context.pair.a.watch = newWatch());
  const refused = new Map<string | number, number>();
  const conns: Conn[] = [];
  const started = Date.now();
  await pool(accounts, 256, async (account) => {
    try {
      // Newcomers connect as the page does; the watcher stays a plain client that counts joins.
      conns.push(await connect(context.target, account, { batchPresence: true }));
    } catch (error) {
      count(refused, error instanceof Refused ? error.status : String(error));
    }
  });
  const openMs = Date.now() - started;
  await until(() => watch.join >= conns.length, context.sizes.attackMs / 3);
  const announcedMs = Date.now() - started;
  await sleep(200);
  const bytes = conns.reduce((sum, conn) => sum + conn.bytes, 0);
  const frames = conns.reduce((sum, conn) => sum + conn.frames, 0);
  const { join, list } = watch;
  for (const conn of conns) conn.terminate();
  await until(() => watch.left >= conns.length, context.sizes.attackMs / 3);
  return {
    tried: `${n} users connecting at once (${Math.ceil(n / SIGNINS_PER_ADDRESS)} addresses)`,
    happened:
      `${conns.length} open in ${seconds(openMs)}, all announced in ${seconds(announcedMs)}` +
      `${refused.size ? ` (refused: ${tally(refused)})` : ''}; a watcher got ${join} join, ${list} list, ${watch.left} left` +
      `; the newcomers got ${(frames / 1e6).toFixed(frames < 1e6 ? 2 : 1)} M frames, ${mb(bytes)}`,
  };
}
