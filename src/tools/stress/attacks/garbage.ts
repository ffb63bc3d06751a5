// Garbage frames: random, mostly malformed protocol messages from several tabs (replayable with --seed).
import { range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, random, tally } from '../format.js';
import { connect, signInMany, type Conn } from '../users.js';

/** One random frame: mostly malformed protocol messages, some plain text (a lobby chat), some not UTF-8 at all. */
export function garbageFrame(next: () => number): string | Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const randomString = (max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => String.fromCharCode(Math.floor(next() * (next() < 0.8 ? 128 : 0xffff)))).join('');
  const value = (depth = 0): unknown =>
    pick<() => unknown>([
      () => null,
      () => next() < 0.5,
      () => Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1),
      () => next() * 1e308,
      () => randomString(40),
      () => (depth < 3 ? range(Math.floor(next() * 4)).map(() => value(depth + 1)) : []),
      () => (depth < 3 ? { [randomString(8)]: value(depth + 1) } : {}),
    ])();
  const types = ['chat', 'dm', 'join', 'leave', 'history', 'typing', 'read', 'CHAT', '', '__proto__', 'constructor', randomString(10)];
  const fields = ['data', 'room', 'to', 'ref', 'before', 'limit', 'since', 'with', 'id', '__proto__', 'constructor'];
  switch (Math.floor(next() * 10)) {
    case 0:
      return randomString(200); // not JSON: taken as a lobby chat, so it meets the rate limit
    case 1:
      return Buffer.from(range(1 + Math.floor(next() * 30)).map(() => 0x80 + Math.floor(next() * 0x80))); // not UTF-8
    case 2:
      return `${'['.repeat(1000 + Math.floor(next() * 20_000))}${next() < 0.5 ? ']'.repeat(100) : ''}`;
    case 3:
      return JSON.stringify(value());
    case 4:
      return '{"type":"chat","__proto__":{"room":"admin"},"data":"x"}';
    default: {
      const message: Record<string, unknown> = { type: pick(types) };
      for (let i = Math.floor(next() * 4); i > 0; i--) message[pick(fields)] = value();
      return JSON.stringify(message);
    }
  }
}

export async function garbage(context: Context): Promise<Outcome> {
  const { garbageTabs, garbagePerTab } = context.sizes;
  const accounts = await signInMany(context, garbageTabs, 'garbage');
  const errors = new Map<string | number, number>();
  const closes = new Map<string | number, number>();
  let sent = 0;
  let reconnects = 0;
  const deadline = Date.now() + context.sizes.attackMs;
  await Promise.all(
    accounts.map(async (account, t) => {
      const next = random(context.seed * 1000 + t);
      let conn: Conn | undefined;
      for (let i = 0; i < garbagePerTab && Date.now() < deadline; i++) {
        if (!conn?.isOpen) {
          if (conn) reconnects++;
          conn = await connect(context.target, account, {
            greeted: true,
            onMessage: (message) => {
              if (message.type === 'error') count(errors, message.data.code);
            },
          }).catch(() => undefined);
          if (!conn) {
            await sleep(100);
            continue;
          }
          void conn.closed.then((closed) => count(closes, closed.code));
        }
        const frame = garbageFrame(next);
        if (typeof frame === 'string') conn.socket.send(frame);
        else conn.socket.send(frame, { binary: false });
        sent++;
        // Now and then wait for the server to catch up, as a client reading its answers would.
        if (i % 20 === 19) await sleep(10);
      }
      await sleep(300);
      conn?.terminate();
    }),
  );
  const healthy = await context.target.healthy();
  return {
    tried: `${sent} random frames from ${garbageTabs} tabs (seed ${context.seed})`,
    happened: `errors ${tally(errors)}; closes ${tally(closes)}; ${reconnects} reconnects; /healthz ${healthy ? 'ok' : 'FAILED'}`,
  };
}
