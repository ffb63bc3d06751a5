// Search flood: several users running the worst search there is (200 × `a`, over a lobby whose
// messages all hold long runs of `a`) in parallel, each keeping one more going than its share and
// asking again at once whatever the answer.
import { MAX_SEARCH_LENGTH } from '../../../shared/protocol/index.js';
import { keepAlive, request } from '../../kit/http.js';
import { range } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, seconds, tally } from '../format.js';
import { seedLobby } from '../lobbySeed.js';
import { signInMany } from '../users.js';

/** Searches each user keeps going: one more than the two a user may have running. */
const LOOPS = 3;
const WORST = 'a'.repeat(MAX_SEARCH_LENGTH);

export const prepareSearchFlood = (context: Context) => seedLobby(context, context.sizes.searchMessages);

/** An answer as the table counts it: the status, and for a refusal why (told by its Retry-After). */
function kind(status: number, retryAfter: string | undefined): string {
  if (status === 503) return retryAfter ? '503 busy' : '503 too slow';
  if (status === 429) return retryAfter === '1' ? '429 still running' : '429 too many';
  return String(status);
}

export async function searchFlood(context: Context): Promise<Outcome> {
  const { searchUsers, searchMs } = context.sizes;
  const users = await signInMany(context, searchUsers, 'searcher');
  const answers = new Map<string, number>();
  let slowestOk = 0;
  const deadline = Date.now() + searchMs;
  await Promise.all(
    users.map(async (user) => {
      // As a browser would: a few kept-alive connections each.
      const agent = keepAlive(LOOPS);
      await Promise.all(
        range(LOOPS).map(async () => {
          while (Date.now() < deadline) {
            const answer = await request(context.target.url, 'GET', `/search?q=${WORST}`, {
              agent,
              cookie: user.cookie,
              timeoutMs: 30_000,
              ...(user.local === undefined ? {} : { localAddress: user.local }),
            }).catch(() => undefined);
            if (!answer) {
              count(answers, 'no answer');
              continue;
            }
            const retryAfter = answer.headers['retry-after'];
            count(answers, kind(answer.status, typeof retryAfter === 'string' ? retryAfter : undefined));
            if (answer.status === 200) slowestOk = Math.max(slowestOk, answer.elapsedMs);
          }
        }),
      );
      agent.destroy();
    }),
  );
  const seeded = context.seeded ? `${context.seeded.toLocaleString('en')} seeded messages full of a` : 'the lobby as it is';
  return {
    tried: `${searchUsers} users, ${LOOPS} at a time each, searching ${MAX_SEARCH_LENGTH} × a over ${seeded}, for ${seconds(searchMs)}`,
    happened: `answers ${tally(answers)}; slowest 200 in ${Math.round(slowestOk)} ms`,
  };
}
