// The Redis bus on the tests' Redis, two buses standing for two processes: every event reaches
// every subscriber once, through JSON, in the one order Redis received them in; nothing crosses
// to another prefix. The ordered marker (an event published last) stands for "nothing else came".
import { afterEach, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import { RedisBus } from '../../src/bus/redis.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { collect, keptLog, labelled, labelOf } from './busEvents.js';

const open: RedisBus[] = [];
const prefixes = new Set<string>();

/** A connected bus on the tests' Redis under `prefix`, closed after the test. */
async function busOn(prefix: string, log = keptLog().log): Promise<RedisBus> {
  prefixes.add(prefix);
  const bus = await RedisBus.connect({ url: TEST_REDIS_URL, prefix, log });
  open.push(bus);
  expect(bus.connected).toBe(true);
  return bus;
}

const labels = (events: BusEvent[]) => events.map(labelOf);

/** Waits until `events` holds `label`. */
const arrived = (events: BusEvent[], label: string) => until(`${label} to arrive`, () => labels(events), (seen) => seen.includes(label), 5000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  for (const prefix of prefixes) await deleteKeys(prefix);
  prefixes.clear();
});

describe.skipIf(!(await redisForTests()))('RedisBus', () => {
  it('delivers an event from each bus to the subscribers of both, once each, as a copy through JSON', async () => {
    const prefix = testRedisPrefix();
    const { log, events: logged } = keptLog();
    const [a, b] = [await busOn(prefix, log), await busOn(prefix)];
    expect(logged()).toContain('bus_connected');
    const [seenByA, seenByB, alsoSeenByB] = [collect(a), collect(b), collect(b)];

    const fromA: BusEvent = { kind: 'room', room: 'lobby', message: { type: 'pong', ref: 'from-a' }, origin: { connectionId: 'c1' }, except: undefined };
    a.publish(fromA);
    b.publish(labelled('from-b'));
    a.publish(labelled('marker'));
    for (const seen of [seenByA, seenByB, alsoSeenByB]) await arrived(seen, 'marker');

    for (const seen of [seenByA, seenByB, alsoSeenByB]) {
      expect(seen).toHaveLength(3);
      // Through JSON: equal, not the object published (`except: undefined` is gone), and each subscriber its own.
      const room = seen.find((event) => event.kind === 'room');
      expect(room).toEqual({ kind: 'room', room: 'lobby', message: { type: 'pong', ref: 'from-a' }, origin: { connectionId: 'c1' } });
      expect(room).not.toBe(fromA);
      expect('except' in room!).toBe(false);
      expect(labels(seen)).toContain('from-b');
    }
    expect(seenByB[0]).not.toBe(alsoSeenByB[0]);
  });

  it('gives every subscriber of every bus the same order, its own events included, each bus\'s in the order published', async () => {
    const prefix = testRedisPrefix();
    const [a, b] = [await busOn(prefix), await busOn(prefix)];
    const [seenByA, seenByB] = [collect(a), collect(b)];

    // Interleaved from both, in bursts and across turns, so that the two publishers really race.
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 10; i++) {
        a.publish(labelled(`a${round}-${i}`));
        b.publish(labelled(`b${round}-${i}`));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    a.publish(labelled('end-a'));
    b.publish(labelled('end-b'));
    for (const seen of [seenByA, seenByB]) await until('all 202 events', () => seen.length, (n) => n >= 202, 5000);

    expect(labels(seenByA)).toEqual(labels(seenByB));
    expect(seenByA).toHaveLength(202);
    const inOrder = (bus: string) => Array.from({ length: 100 }, (_, n) => `${bus}${Math.floor(n / 10)}-${n % 10}`);
    const of = (bus: string) => labels(seenByA).filter((label) => label.startsWith(`${bus}`) && !label.startsWith('end'));
    expect(of('a')).toEqual(inOrder('a'));
    expect(of('b')).toEqual(inOrder('b'));
    // A bus's own events come back through Redis: delivered after an event of the other bus that Redis had first.
    const mixed = labels(seenByA).slice(0, 200);
    expect(mixed.some((label, n) => n > 0 && label.startsWith('a') && mixed[n - 1]!.startsWith('b'))).toBe(true);
  });

  it('is connected and delivers nothing inside publish: a subscriber hears its own event on a later turn', async () => {
    const a = await busOn(testRedisPrefix());
    const seen = collect(a);
    a.publish(labelled('own'));
    expect(seen).toHaveLength(0);
    await arrived(seen, 'own');
    expect(a.connected).toBe(true);
  });

  it('stops delivering to a subscriber that unsubscribed, and a closed bus hears nothing and ignores publishes', async () => {
    const prefix = testRedisPrefix();
    const [a, b, c] = [await busOn(prefix), await busOn(prefix), await busOn(prefix)];
    const seenByA = collect(a);
    const gone: BusEvent[] = [];
    const unsubscribe = a.subscribe((event) => gone.push(event));
    const seenByC = collect(c);

    b.publish(labelled('before'));
    await arrived(gone, 'before');
    unsubscribe();
    await c.close();
    await c.close(); // a second close is the same close
    expect(() => c.publish(labelled('after close'))).not.toThrow();
    b.publish(labelled('after'));
    await arrived(seenByA, 'after');

    expect(labels(gone)).toEqual(['before']);
    expect(labels(seenByC)).toEqual(['before']);
    expect(labels(seenByA)).toEqual(['before', 'after']);
  });

  it('keeps prefixes apart: a bus under another prefix hears nothing of this one', async () => {
    const [a, other] = [await busOn(testRedisPrefix()), await busOn(testRedisPrefix())];
    const [seenByA, seenByOther] = [collect(a), collect(other)];

    a.publish(labelled('this site'));
    // Back at a: Redis has sent it to every subscriber of its channel, before the marker below.
    await arrived(seenByA, 'this site');
    other.publish(labelled('marker'));
    await arrived(seenByOther, 'marker');
    expect(labels(seenByOther)).toEqual(['marker']);
  });

  it('keeps delivering when a subscriber throws: the others still get every event, and the failure is logged', async () => {
    const prefix = testRedisPrefix();
    const { log, lines } = keptLog();
    const [a, b] = [await busOn(prefix, log), await busOn(prefix)];
    a.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    const seenByA = collect(a);
    b.publish(labelled('first'));
    a.publish(labelled('second'));
    await arrived(seenByA, 'second');
    expect(labels(seenByA)).toEqual(['first', 'second']);
    expect(a.connected).toBe(true);
    expect(lines.filter((line) => line.event === 'bus_listener_failed')).toHaveLength(2);
    expect(String(lines.find((line) => line.event === 'bus_listener_failed')?.fields.error)).toMatch(/a broken subscriber/);
  });
});
