// One-address connections: more connections from one address than it may have.
import { Refused } from '../../kit/client.js';
import type { Account } from '../../kit/http.js';
import { pool, range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, seconds, tally } from '../format.js';
import { SIGNINS_PER_ADDRESS } from '../sizes.js';
import { connect, signInMany, type Conn } from '../users.js';

export async function addressFlood(context: Context): Promise<Outcome> {
  const n = context.sizes.addressConnections;
  const local = context.addresses.fresh();
  // Few users (each under the per-user cap), all from one address.
  const users = await signInMany(context, Math.ceil(n / 15), 'one-address', SIGNINS_PER_ADDRESS);
  const conns: Conn[] = [];
  const refused = new Map<string | number, number>();
  const closed = new Map<string | number, number>();
  const started = Date.now();
  await pool(range(n), 64, async (i) => {
    const account = users[i % users.length] as Account;
    try {
      const conn = await connect(context.target, { ...account, local });
      conns.push(conn);
      void conn.closed.then((c) => count(closed, c.code));
    } catch (error) {
      count(refused, error instanceof Refused ? error.status : String(error));
    }
  });
  const ms = Date.now() - started;
  await sleep(200);
  const stillOpen = conns.filter((conn) => conn.isOpen).length;
  for (const conn of conns) conn.terminate();
  return {
    tried: `${n} connections from one address (${users.length} users)`,
    happened: `${stillOpen} open, refused: ${tally(refused)}${closed.size ? `, closed: ${tally(closed)}` : ''} in ${seconds(ms)}`,
  };
}
