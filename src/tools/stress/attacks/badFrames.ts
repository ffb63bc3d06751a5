// Bad frames: an oversized text frame, a binary frame, a message over the length limit.
import type { Account } from '../../kit/http.js';
import { pool, range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, tally } from '../format.js';
import { connect, signInMany } from '../users.js';

export async function badFrames(context: Context): Promise<Outcome> {
  const n = context.sizes.badFrames;
  const users = await signInMany(context, Math.ceil(n / 10), 'bad-frames');
  const kinds = ['oversized', 'binary', 'too long'] as const;
  const results = new Map<string, Map<string | number, number>>(kinds.map((kind) => [kind, new Map()]));
  await pool(range(n), 16, async (i) => {
    const kind = kinds[i % kinds.length] as (typeof kinds)[number];
    const outcomes = results.get(kind) as Map<string | number, number>;
    let error: string | undefined;
    let answered: () => void = () => {};
    const answer = new Promise<void>((resolve) => (answered = resolve));
    const conn = await connect(context.target, users[i % users.length] as Account, {
      greeted: true,
      onMessage: (message) => {
        if (message.type !== 'error') return;
        error = message.data.code;
        answered();
      },
    }).catch(() => undefined);
    if (!conn) return count(outcomes, 'not connected');
    if (kind === 'oversized') conn.socket.send('x'.repeat(1024 * 1024));
    else if (kind === 'binary') conn.socket.send(Buffer.from([1, 2, 3, 4]), { binary: true });
    else conn.send({ type: 'chat', room: 'lobby', data: 'y'.repeat(10_000), ref: 'long' });
    const result = await Promise.race([
      conn.closed.then((closed) => `closed ${closed.code}`),
      // An error answer, and the connection still open a moment later.
      answer.then(() => sleep(200)).then(() => (conn.isOpen ? `${error}, stayed open` : `${error}, then closed`)),
      sleep(5000).then(() => 'no answer'),
    ]);
    count(outcomes, result);
    conn.terminate();
  });
  return {
    tried: `${n} connections: 1 MiB text frame, binary frame, 10,000-character message`,
    happened: kinds.map((kind) => `${kind}: ${tally(results.get(kind) as Map<string | number, number>)}`).join('; '),
  };
}
