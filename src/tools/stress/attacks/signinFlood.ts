// Sign-in flood: many sign-ins from one address.
import http from 'node:http';
import { request } from '../../kit/http.js';
import { pool, range } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, seconds, tally } from '../format.js';
import { runName } from '../users.js';

export async function signinFlood(context: Context): Promise<Outcome> {
  const n = context.sizes.signins;
  const local = context.addresses.fresh();
  const statuses = new Map<string | number, number>();
  let retryAfter = '';
  const started = Date.now();
  await pool(range(n), 25, async (i) => {
    const answer = await request(context.target.url, 'POST', '/signin', {
      body: { name: runName(`spam ${i}`) },
      timeoutMs: 15_000,
      ...(local === undefined ? {} : { localAddress: local }),
    }).catch((error: Error) => ({
      status: error.message,
      headers: {} as http.IncomingHttpHeaders,
      body: '',
    }));
    count(statuses, answer.status);
    const header = answer.headers['retry-after'];
    if (typeof header === 'string') retryAfter = header;
  });
  return {
    tried: `${n} sign-ins from one address`,
    happened:
      `${statuses.get(200) ?? 0} signed in, ${statuses.get(429) ?? 0} refused 429${retryAfter ? ` (Retry-After ${retryAfter} s)` : ''}` +
      `${[...statuses.keys()].some((s) => s !== 200 && s !== 429) ? `; ${tally(statuses)}` : ''} in ${seconds(Date.now() - started)}`,
  };
}
