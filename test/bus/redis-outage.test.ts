// The Redis bus through an outage, on a redis-server of the test's own: killed, then started again
// on the same port. Nothing throws or crashes meanwhile, each process's own events still reach its
// own subscribers, the change is told once each way, and events flow between processes again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import { RedisBus } from '../../src/bus/redis.js';
import { MAX_RETRY_MS } from '../../src/bus/redisClient.js';
import { ownRedisForTests, startOwnRedis, type OwnRedis } from '../helpers/ownRedis.js';
import { testRedisPrefix } from '../helpers/redis.js';
import { sleep, until } from '../helpers/wait.js';
import { collect, keptLog, labelled, labelOf } from './busEvents.js';

const labels = (events: BusEvent[]) => events.map(labelOf);
const arrived = (events: BusEvent[], label: string) => until(`${label} to arrive`, () => labels(events), (seen) => seen.includes(label), 5000);

/** A bus as a process has it: what it logged, and each connection change it was told. */
async function processBus(url: string, prefix: string, waitMs?: number) {
  const kept = keptLog();
  const bus = await RedisBus.connect({ url, prefix, log: kept.log }, waitMs);
  const told: boolean[] = [];
  bus.onConnectionChange((connected) => told.push(connected));
  return { bus, told, seen: collect(bus), ...kept };
}

describe.skipIf(!ownRedisForTests())('RedisBus through a Redis outage', () => {
  let redis: OwnRedis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const open: RedisBus[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
    if (redis) await redis.start().catch(() => {}); // running for the next test, if stopped
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis?.close();
  });

  it('says so once when Redis goes, still delivers here what is published here, and comes back by itself', async () => {
    const prefix = testRedisPrefix();
    const a = await processBus(redis.url, prefix);
    const b = await processBus(redis.url, prefix);
    open.push(a.bus, b.bus);
    expect([a.bus.connected, b.bus.connected]).toEqual([true, true]);

    await redis.stop();
    await until('both buses to notice', () => [a.bus.connected, b.bus.connected], (both) => both.every((c) => !c), 5000);
    // Several attempts to reconnect fail meanwhile: the change is still told once.
    await sleep(3 * MAX_RETRY_MS);
    expect(a.told).toEqual([false]);
    expect(b.told).toEqual([false]);
    const disconnected = a.lines.filter((line) => line.event === 'bus_disconnected');
    expect(disconnected).toHaveLength(1);
    expect(String(disconnected[0]!.fields.reason)).not.toBe('');

    expect(() => a.bus.publish(labelled('while away'))).not.toThrow();
    expect(a.seen).toHaveLength(0); // on a later turn, as when connected
    await arrived(a.seen, 'while away');
    expect(a.seen[0]).toEqual(labelled('while away'));

    const restarted = Date.now();
    await redis.start();
    await until('both buses back', () => [a.bus.connected, b.bus.connected], (both) => both.every(Boolean), 5000);
    expect(Date.now() - restarted).toBeLessThan(2 * MAX_RETRY_MS + 1000);
    expect(a.told).toEqual([false, true]);
    expect(b.told).toEqual([false, true]);
    expect(a.events().filter((event) => event === 'bus_connected')).toHaveLength(2);

    // Flowing both ways again; what was published while away was not kept for later.
    b.bus.publish(labelled('b is back'));
    a.bus.publish(labelled('a is back'));
    for (const { seen } of [a, b]) await arrived(seen, 'a is back');
    expect(labels(a.seen)).toEqual(['while away', 'b is back', 'a is back']);
    expect(labels(b.seen)).toEqual(['b is back', 'a is back']);
    expect(unhandled).toEqual([]);
  });

  it('delivers each of its own events here exactly once, in order, when Redis dies under a burst', async () => {
    const prefix = testRedisPrefix();
    const a = await processBus(redis.url, prefix);
    open.push(a.bus);

    // Some come back from Redis, some are written to a dying connection, some find it gone.
    const burst = Array.from({ length: 300 }, (_, n) => `burst-${n}`);
    for (const label of burst.slice(0, 100)) a.bus.publish(labelled(label));
    await until('the first to come back', () => a.seen.length, (n) => n > 0, 5000);
    for (const label of burst.slice(100, 200)) a.bus.publish(labelled(label));
    await new Promise((resolve) => setImmediate(resolve)); // written
    const stopped = redis.stop();
    for (const label of burst.slice(200)) a.bus.publish(labelled(label));
    await stopped;
    await until('the burst delivered here', () => a.seen.length, (n) => n >= burst.length, 5000);

    await redis.start();
    await until('the bus back', () => a.bus.connected, Boolean, 5000);
    a.bus.publish(labelled('marker'));
    await arrived(a.seen, 'marker');
    expect(labels(a.seen)).toEqual([...burst, 'marker']);
    expect(unhandled).toEqual([]);
  });

  it('starts without Redis, with a warning, serves its own subscribers, and connects once Redis is there', async () => {
    await redis.stop();
    const a = await processBus(redis.url, testRedisPrefix(), 300);
    open.push(a.bus);
    expect(a.bus.connected).toBe(false);
    const warning = a.lines.find((line) => line.event === 'bus_unreachable');
    expect(warning?.fields).toMatchObject({ url: redis.url });
    expect(String(warning?.fields.note)).toMatch(/without Redis/);

    a.bus.publish(labelled('alone'));
    await arrived(a.seen, 'alone');

    await redis.start();
    await until('the bus connected', () => a.bus.connected, Boolean, 5000);
    expect(a.told).toEqual([true]);
    a.bus.publish(labelled('through redis'));
    await arrived(a.seen, 'through redis');
    expect(labels(a.seen)).toEqual(['alone', 'through redis']);
    expect(unhandled).toEqual([]);
  });
});
