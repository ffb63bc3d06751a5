// Redis traffic per event, counted by a redis-server of the test's own (nothing else talks to it):
// one PUBLISH per event, however many processes and subscribers receive it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis.js';
import { ownRedisForTests, startOwnRedis, type OwnRedis } from '../helpers/ownRedis.js';
import { withRedis } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { collect, labelled } from './busEvents.js';

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

  it('is one PUBLISH per event, whatever the number of processes and subscribers', async () => {
    const log = () => {};
    const buses = [];
    for (let n = 0; n < 3; n++) buses.push(await RedisBus.connect({ url: redis.url, prefix: 'traffic:', log }));
    try {
      const seen = buses.flatMap((bus) => [collect(bus), collect(bus), collect(bus)]);
      const before = await publishes(redis.url);
      for (let n = 0; n < 50; n++) buses[n % 3]!.publish(labelled(`event-${n}`));
      await until('every subscriber to have all 50', () => Math.min(...seen.map((events) => events.length)), (least) => least === 50, 5000);
      expect(await publishes(redis.url)).toBe(before + 50);
    } finally {
      await Promise.all(buses.map((bus) => bus.close()));
    }
  });
});
