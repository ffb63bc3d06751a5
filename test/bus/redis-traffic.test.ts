// Redis traffic per event, counted by a redis-server of the test's own (nothing else talks to it):
// one PUBLISH per turn of a bus's events, however many processes and subscribers receive them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis.js';
import { ownRedisForTests, startOwnRedis, type OwnRedis } from '../helpers/ownRedis.js';
import { withRedis } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { collect, labelled, labelOf } from './busEvents.js';

/** How many PUBLISH commands Redis has run since it started. */
async function publishes(url: string): Promise<number> {
  const stats = await withRedis(url, (client) => client.info('commandstats'));
  return Number(/cmdstat_publish:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe.skipIf(!ownRedisForTests())('RedisBus traffic', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('is one PUBLISH per turn of events, whatever the number of processes and subscribers', async () => {
    const log = () => {};
    const buses = [];
    for (let n = 0; n < 3; n++) buses.push(await RedisBus.connect({ url: redis.url, prefix: 'traffic:', log }));
    try {
      const seen = buses.flatMap((bus) => [collect(bus), collect(bus), collect(bus)]);
      let before = await publishes(redis.url);
      // Each event in a turn of its own: one PUBLISH each.
      for (let n = 0; n < 12; n++) {
        buses[n % 3]!.publish(labelled(`alone-${n}`));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await until('every subscriber to have all 12', () => Math.min(...seen.map((events) => events.length)), (least) => least === 12, 5000);
      expect(await publishes(redis.url)).toBe(before + 12);

      // 50 events in one turn: one PUBLISH for each bus's share, every event delivered, in order.
      before = await publishes(redis.url);
      for (let n = 0; n < 50; n++) buses[n % 3]!.publish(labelled(`event-${n}`));
      await until('every subscriber to have all 62', () => Math.min(...seen.map((events) => events.length)), (least) => least === 62, 5000);
      expect(await publishes(redis.url)).toBe(before + 3);
      for (const events of seen) {
        const labels = events.map(labelOf);
        for (let bus = 0; bus < 3; bus++) {
          const mine = labels.filter((label) => label.startsWith('event-') && Number(label.slice(6)) % 3 === bus);
          expect(mine).toEqual(Array.from({ length: 50 }, (_, n) => `event-${n}`).filter((_, n) => n % 3 === bus));
        }
      }
    } finally {
      await Promise.all(buses.map((bus) => bus.close()));
    }
  });

  it('publishes a turn of events not yet sent when it closes', async () => {
    const log = () => {};
    const [sender, listener] = [await RedisBus.connect({ url: redis.url, prefix: 'closing:', log }), await RedisBus.connect({ url: redis.url, prefix: 'closing:', log })];
    try {
      const heard = collect(listener);
      sender.publish(labelled('last words'));
      await sender.close();
      await until('the listener to hear it', () => heard.length, (n) => n === 1, 5000);
    } finally {
      await Promise.all([sender.close(), listener.close()]);
    }
  });
});
