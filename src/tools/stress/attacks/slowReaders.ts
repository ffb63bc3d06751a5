// Slow readers: clients that stop reading while a flood of big messages goes by.
import type { Account } from '../../kit/http.js';
import { pool, range, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { mb, seconds } from '../format.js';
import { newWatch } from '../pair.js';
import { BIG_TEXT, FAR_FUTURE_ID, SIGNINS_PER_ADDRESS } from '../sizes.js';
import { connect, signIn, signInMany } from '../users.js';

export async function slowReaders(context: Context): Promise<Outcome> {
  const { slowReaders: n, slowFloodBytes } = context.sizes;
  const frame = Buffer.byteLength(BIG_TEXT) + 200;
  const budget = Math.ceil(slowFloodBytes / frame);
  const perFlooder = 20;
  const slowAccounts = await signInMany(context, n, 'slow');
  // Flooders sign in just before they flood, as a botnet would, so none of them has a backlog to count.
  let flooderLocal: string | undefined;
  let flooderCount = 0;
  const nextFlooder = async (): Promise<Account | undefined> => {
    const i = flooderCount++;
    if (i % SIGNINS_PER_ADDRESS === 0) flooderLocal = context.addresses.fresh();
    return (await signIn(context.target, `big-flooder ${i}`, flooderLocal).catch(() => undefined))?.account;
  };
  const slow = await Promise.all(slowAccounts.map((account) => connect(context.target, account, { greeted: true })));
  const slowIds = new Set(slowAccounts.map((account) => account.user.id));
  for (const conn of slow) conn.stopReading();
  const watch = (context.pair.a.watch = newWatch());
  const dropped = () => [...watch.leftUsers].filter((id) => slowIds.has(id)).length;
  const droppedBefore = context.target.events.get('slow_reader_dropped') ?? 0;

  let messages = 0;
  let accepted = 0;
  let refused = 0;
  const deadline = Date.now() + context.sizes.attackMs;
  const started = Date.now();
  await pool(range(4), 4, async () => {
    while (dropped() < n && messages < budget && Date.now() < deadline) {
      const account = await nextFlooder();
      if (!account) break;
      let answers = 0;
      const conn = await connect(context.target, account, {
        since: FAR_FUTURE_ID,
        greeted: true,
        onMessage: (message) => {
          if (message.type === 'chat' && message.ref !== undefined) {
            answers++;
            accepted++;
          } else if (message.type === 'error' && message.ref !== undefined) {
            answers++;
            refused++;
          }
        },
      }).catch(() => undefined);
      if (!conn) continue;
      const mine = Math.min(perFlooder, budget - messages);
      for (let i = 0; i < mine; i++) conn.send({ type: 'chat', room: 'lobby', data: `${messages++} ${BIG_TEXT}`, ref: `b${i}` });
      await until(() => answers >= mine || !conn.isOpen, 10_000, 5);
      conn.terminate();
    }
  });
  await until(() => dropped() >= n, 3000);
  const ms = Date.now() - started;
  const logged = (context.target.events.get('slow_reader_dropped') ?? 0) - droppedBefore;
  for (const conn of slow) conn.terminate();
  return {
    tried: `${n} clients that stop reading, vs a flood of up to ${mb(budget * frame)}`,
    happened:
      `${dropped()}/${n} dropped by the server${context.target.own ? ` (slow_reader_dropped ×${logged})` : ''} after ${accepted} big messages ` +
      `(${mb(accepted * frame)}, ${seconds(ms)})${refused ? `, ${refused} refused` : ''}`,
  };
}
