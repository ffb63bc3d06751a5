// The counters in Redis (src/limits/redisCounters.ts), on the tests' Redis under a prefix of their
// own: two instances stand for two processes of one site. Windows refuse past their limit, say how
// long until a hit is let in, slide, give back, take all or nothing, and leave no key behind their
// window; caps add up every process's open connections, and a process that vanishes stops counting
// within its TTL.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisCounters } from '../../src/limits/redisCounters.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix, withRedis } from '../helpers/redis.js';
import { sleep, until } from '../helpers/wait.js';
import { keptLog } from '../bus/busEvents.js';
import { ownRedisForTests, startOwnRedis } from '../helpers/ownRedis.js';

const engines = await redisForTests();

/** A TCP relay to the tests' Redis that can be cut for good: a process whose machine vanished. */
async function relay(): Promise<{ url: string; cut(): void }> {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
      from.pipe(to);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe.skipIf(!engines)('RedisCounters', () => {
  const prefix = testRedisPrefix();
  const open: RedisCounters[] = [];
  const aProcess = async (ttlMs?: number, url = TEST_REDIS_URL) => {
    const counters = await RedisCounters.connect({ url, prefix, log: keptLog().log, ...(ttlMs ? { ttlMs } : {}) });
    open.push(counters);
    expect(counters.shared).toBe(true);
    return counters;
  };
  const keysUnder = (part: string) => withRedis(TEST_REDIS_URL, (client) => client.keys(`${prefix}${part}*`));

  beforeAll(async () => {
    await deleteKeys(prefix);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((counters) => counters.close()));
  });
  afterAll(async () => {
    await deleteKeys(prefix);
  });

  it('counts one window for every process: the limit, then a refusal with the wait until the oldest hit leaves', async () => {
    const [one, two] = [await aProcess(), await aProcess()];
    const [a, b] = [one.window('w1', 3, 2000), two.window('w1', 3, 2000)];
    const started = Date.now();
    expect((await a.take('ann')).ok).toBe(true);
    expect((await b.take('ann')).ok).toBe(true);
    expect((await a.take('ann')).ok).toBe(true);
    const refused = await b.take('ann');
    const elapsed = Date.now() - started;
    if (refused.ok) throw new Error('the fourth hit was let in');
    expect(refused.waitMs).toBeGreaterThan(2000 - elapsed - 50);
    expect(refused.waitMs).toBeLessThanOrEqual(2000);
    // Refused hits are not recorded, and the key is the user's own.
    expect((await a.take('ann')).ok).toBe(false);
    expect((await a.take('bob')).ok).toBe(true);
  });

  it('slides: a hit is let in again once the oldest has left the window, and the keys expire with it', async () => {
    // Wide margins: the second hit must still count when the first has left, on a loaded CI machine too.
    const [windowMs, gapMs] = [3000, 1500];
    const one = await aProcess();
    const window = one.window('slide', 2, windowMs);
    expect((await window.take('k')).ok).toBe(true);
    await sleep(gapMs);
    expect((await window.take('k')).ok).toBe(true);
    const refused = await window.take('k');
    const refusedAt = Date.now();
    if (refused.ok) throw new Error('the third hit was let in');
    expect(refused.waitMs).toBeLessThanOrEqual(windowMs - gapMs + 20);
    const ttl = await withRedis(TEST_REDIS_URL, (client) => client.pTTL(`${prefix}limit:slide:k`));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(windowMs);
    await sleep(refusedAt + refused.waitMs + 100 - Date.now());
    // The first hit has left: one more is let in (and the second hit still counts).
    expect((await window.take('k')).ok).toBe(true);
    expect((await window.take('k')).ok).toBe(false);
    await until('the key to expire with its last hit', () => keysUnder('limit:slide:'), (keys) => keys.length === 0, windowMs + 2000);
  });

  it('takes from several windows all or none, says which refused, and gives back on every one', async () => {
    const one = await aProcess();
    const user = one.window('pair-user', 1, 60_000);
    const address = one.window('pair-address', 2, 60_000);
    const first = await one.takeAll([[user, 'ann'], [address, 'a1']]);
    if (!first.ok) throw new Error('refused');
    expect(await one.takeAll([[user, 'ann'], [address, 'a1']])).toMatchObject({ ok: false, index: 0 });
    first.giveBack();
    await until('the hits to be given back', () => one.takeAll([[user, 'ann'], [address, 'a1']]), (taken) => taken.ok, 2000);
    expect((await one.takeAll([[user, 'ben'], [address, 'a1']])).ok).toBe(true);
    // The address refuses: Cat's own window took nothing.
    expect(await one.takeAll([[user, 'cat'], [address, 'a1']])).toMatchObject({ ok: false, index: 1 });
    expect((await user.take('cat')).ok).toBe(true);
  });

  it('keeps nothing for a limit of 0', async () => {
    const one = await aProcess();
    const off = one.window('off', 0, 1000);
    for (let i = 0; i < 20; i++) expect((await off.take('k')).ok).toBe(true);
    expect(await keysUnder('limit:off:')).toEqual([]);
  });

  it('caps open connections for the whole site, and frees one on release', async () => {
    const [one, two] = [await aProcess(), await aProcess()];
    const [capOne, capTwo] = [one.cap('user', 3), two.cap('user', 3)];
    const held = [await capOne.admit('ann'), await capOne.admit('ann'), await capTwo.admit('ann')];
    expect(held.every(Boolean)).toBe(true);
    expect(await capTwo.admit('ann')).toBeUndefined();
    expect(await capOne.admit('ann')).toBeUndefined();
    expect(await capOne.admit('bob')).toBeDefined();
    held[0]!.release();
    held[0]!.release(); // twice counts once
    await until('the release to count', () => capTwo.admit('ann'), Boolean, 2000);
    expect(await capOne.admit('ann')).toBeUndefined();
    // Every key a process holds expires unless it says it again.
    const ttls = await withRedis(TEST_REDIS_URL, async (client) => Promise.all((await client.keys(`${prefix}limit:*`)).map((key) => client.pTTL(key))));
    expect(ttls.length).toBeGreaterThan(0);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
  });

  it('lets a process that vanished stop counting within its TTL, and a closed one at once', async () => {
    const ttlMs = 900;
    const cutOff = await relay();
    const lost = await aProcess(ttlMs, cutOff.url);
    const leaving = await aProcess(ttlMs);
    const staying = await aProcess(ttlMs);
    expect(await lost.cap('address', 2).admit('10.0.0.1')).toBeDefined();
    expect(await leaving.cap('address', 2).admit('10.0.0.1')).toBeDefined();
    const cap = staying.cap('address', 2);
    expect(await cap.admit('10.0.0.1')).toBeUndefined();

    await leaving.close();
    const freed = await cap.admit('10.0.0.1');
    expect(freed).toBeDefined();
    freed!.release();

    // Still counted while its last word holds, and past the TTL no more (it cannot say it again).
    cutOff.cut();
    const cutAt = Date.now();
    /** Whether two more fit at the address now (both let go again at once). */
    const twoFit = async () => {
      const first = await cap.admit('10.0.0.1');
      const second = first && (await cap.admit('10.0.0.1'));
      first?.release();
      second?.release();
      return Boolean(second);
    };
    expect(await twoFit()).toBe(false);
    await until('the vanished process to stop counting', twoFit, Boolean, 3 * ttlMs);
    expect(Date.now() - cutAt).toBeLessThan(ttlMs + 500);
  });
});

describe.skipIf(!ownRedisForTests())('RedisCounters through a Redis outage', () => {
  it('counts here while Redis is away (said once), refusing past the limit, and on Redis again once it is back', async () => {
    const redis = await startOwnRedis();
    const kept = keptLog();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const counters = await RedisCounters.connect({ url: redis.url, prefix: testRedisPrefix(), log: kept.log });
    try {
      const window = counters.window('outage', 2, 60_000);
      const cap = counters.cap('user', 1);
      expect((await window.take('ann')).ok).toBe(true);
      const held = await cap.admit('ann');
      expect(held).toBeDefined();

      await redis.stop();
      // Redis counted one of Ann's two; here, counting starts afresh: two, then refused, never an error.
      expect((await window.take('ann')).ok).toBe(true);
      expect(counters.shared).toBe(false);
      expect((await window.take('ann')).ok).toBe(true);
      expect(await window.take('ann')).toMatchObject({ ok: false, index: 0 });
      // The open connection is still counted here.
      expect(await cap.admit('ann')).toBeUndefined();
      await sleep(2500); // a few probes fail meanwhile
      expect(kept.events().filter((event) => event === 'limits_local')).toHaveLength(1);

      await redis.start();
      await until('the counters to be on Redis again', () => counters.shared, Boolean, 5000);
      expect(kept.events().filter((event) => event.startsWith('limits_'))).toEqual(['limits_shared', 'limits_local', 'limits_shared']);
      // Redis restarted empty: the window starts afresh there, and the open connection was said again.
      expect((await window.take('ann')).ok).toBe(true);
      expect((await window.take('ann')).ok).toBe(true);
      expect((await window.take('ann')).ok).toBe(false);
      expect(await cap.admit('ann')).toBeUndefined();
      held!.release();
      await until('the release to count', () => cap.admit('ann'), Boolean, 2000);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await counters.close();
      await redis.close();
    }
  });
});
