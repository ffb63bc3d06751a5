// Reconnect storm: a user with a big unread backlog opening connection after connection.
import { range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { seconds } from '../format.js';
import { FAR_FUTURE_ID } from '../sizes.js';
import { connect } from '../users.js';

/**
 * A user who has been away has everything since unread; every connect counts it (and its
 * mentions) for the `unread` greeting. Opening many connections makes the server do that again
 * and again: this measures what one connect costs, and what the others feel meanwhile.
 */
export async function reconnectStorm(context: Context): Promise<Outcome> {
  const n = context.sizes.stormConnects;
  const greetings: number[] = [];
  let failures = 0;
  let unread = 0;
  const started = Date.now();
  for (let round = 0; round * 20 < n; round++) {
    const conns = await Promise.all(
      range(Math.min(20, n - round * 20)).map(async () => {
        const began = Date.now();
        try {
          const conn = await connect(context.target, context.away, {
            greeted: true,
            since: FAR_FUTURE_ID,
            onMessage: (message) => {
              if (message.type === 'unread') unread = message.data.reduce((sum, entry) => sum + entry.count, 0);
            },
          });
          greetings.push(Date.now() - began);
          return conn;
        } catch {
          failures++;
          return undefined;
        }
      }),
    );
    for (const conn of conns) conn?.terminate();
    await sleep(100);
  }
  greetings.sort((a, b) => a - b);
  const median = greetings[Math.floor(greetings.length / 2)] ?? 0;
  return {
    tried: `${n} connections, 20 at a time, by a user with everything since the start unread`,
    happened:
      `${unread} unread counted per connect; greeting median ${median} ms, max ${greetings.at(-1) ?? 0} ms; ` +
      `${failures} failed; ${seconds(Date.now() - started)} in all`,
  };
}
