// Limits counted in Redis (REDIS_URL), for the whole site: every process takes from the same
// windows and caps, one round trip a take (redisScripts.ts); node-redis pipelines what is sent in
// the same turn. Keys are `<prefix>limit:…`, and every one expires by itself: a window's a window
// after its newest hit, a process's open connections TTL_MS after it last said them (redisCaps.ts).
// While Redis cannot answer (not connected, an error, no answer within COMMAND_TIMEOUT_MS), each
// process counts on its own in its memory, as a single process does: logged once (`limits_local`),
// and back on Redis (`limits_shared`) once a probe each second gets through. A take never fails.
import crypto from 'node:crypto';
import { reasonOf, redisClient, type RedisClient } from '../bus/redisClient.js';
import type { Log } from '../log.js';
import { FREE, type ConnectionCap, type Counters, type SlidingWindow, type Taken } from './counters.js';
import { LocalCounters, takeNow, type LocalWindow } from './localCounters.js';
import { RedisCaps } from './redisCaps.js';
import { run, TAKE, type Script } from './redisScripts.js';

export interface RedisCountersOptions {
  url: string;
  /** REDIS_PREFIX: every key is `${prefix}limit:…`. */
  prefix: string;
  log: Log;
  /** How long a process's open connections count after it last said them (a crashed process's too); said again every third of it. */
  ttlMs?: number;
}

/** How long a process's open connections count after it last said them; it says them every third of that, so that two may be missed. */
export const TTL_MS = 30_000;
/** How often a process that counts on its own tries Redis again. */
const PROBE_MS = 1000;
/** How long `connect` waits for Redis before the process starts counting on its own. */
const START_WAIT_MS = 3000;

class RedisWindow implements SlidingWindow {
  constructor(
    private readonly counters: RedisCounters,
    readonly name: string,
    readonly twin: LocalWindow,
  ) {}

  get limit(): number {
    return this.twin.limit;
  }

  get windowMs(): number {
    return this.twin.windowMs;
  }

  take(key: string): Promise<Taken> {
    return this.counters.takeAll([[this, key]]);
  }
}

export class RedisCounters implements Counters {
  /** Counters in Redis, once it answers (or, past START_WAIT_MS, counting here until it does). */
  static async connect(options: RedisCountersOptions, waitMs = START_WAIT_MS): Promise<RedisCounters> {
    const counters = new RedisCounters(options);
    await counters.sharedWithin(waitMs);
    return counters;
  }

  /** What this process counts while Redis is away. */
  private readonly local = new LocalCounters();
  private readonly client: RedisClient;
  private readonly caps: RedisCaps;
  private readonly log: Log;
  private readonly keyPrefix: string;
  /** Makes each hit's member unique across processes. */
  private readonly tag = crypto.randomBytes(6).toString('base64url');
  private hits = 0;
  private isShared = false;
  private reason = 'not connected yet';
  private lastRestate = 0;
  private readonly refreshMs: number;
  private restating: Promise<boolean> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  private readonly whenShared = new Set<() => void>();
  /**
   * Window and key → when a refusal Redis gave ends. Until then the key is refused here without
   * asking: hits only leave a window as time passes (only rooms, taken in pairs, are ever given
   * back), so the answer cannot change sooner, and a flood's refusals cost no round trip.
   */
  private readonly refusedUntil = new Map<string, number>();

  private constructor(options: RedisCountersOptions) {
    this.log = options.log;
    this.keyPrefix = `${options.prefix}limit:`;
    this.client = redisClient({
      url: options.url,
      name: 'chat-limits',
      queueWhileDown: false,
      onError: (error) => this.away(reasonOf(error)),
    });
    const ttlMs = options.ttlMs ?? TTL_MS;
    this.refreshMs = ttlMs / 3;
    this.caps = new RedisCaps({ keyPrefix: this.keyPrefix, tag: this.tag, ttlMs, run: (s, keys, args) => this.call(s, keys, args) });
    this.client.on('ready', () => void this.restate());
    this.client.on('end', () => this.away('connection closed'));
    // It settles only when closed before a first connection; failed attempts come as 'error'.
    this.client.connect().catch(() => {});
    this.timer = setInterval(() => this.tick(), Math.min(PROBE_MS, this.refreshMs));
    this.timer.unref();
  }

  /** Whether takes go to Redis now (else to this process's memory). */
  get shared(): boolean {
    return this.isShared;
  }

  window(name: string, limit: number, windowMs: number): SlidingWindow {
    return new RedisWindow(this, name, this.local.window(name, limit, windowMs));
  }

  async takeAll(pairs: readonly (readonly [SlidingWindow, string])[]): Promise<Taken> {
    const mine = pairs.map(([window, key]) => [ours(window), key] as const);
    if (!this.isShared) return takeNow(mine.map(([window, key]) => [window.twin, key] as const), Date.now());
    const counted = mine.filter(([window]) => window.limit > 0);
    if (counted.length === 0) return FREE;
    const keys = counted.map(([window, key]) => `${this.keyPrefix}${window.name}:${key}`);
    const now = Date.now();
    // One window only: of several, a later one's refusal could hide an earlier one's.
    const alone = mine.length === 1;
    const until = alone ? (this.refusedUntil.get(keys[0]!) ?? 0) : 0;
    if (until > now) return { ok: false, waitMs: until - now, index: 0 };
    const member = `${this.tag}:${++this.hits}`;
    const args = [member, ...counted.flatMap(([window]) => [String(window.limit), String(window.windowMs)])];
    let reply: unknown;
    try {
      reply = await this.call(TAKE, keys, args);
    } catch {
      return takeNow(mine.map(([window, key]) => [window.twin, key] as const), Date.now());
    }
    const [refused, waitMs] = reply as [number, number];
    if (refused > 0) {
      if (alone) this.refusedUntil.set(keys[0]!, Date.now() + waitMs);
      return { ok: false, waitMs: Math.max(1, waitMs), index: mine.indexOf(counted[refused - 1]!) };
    }
    return { ok: true, giveBack: () => keys.forEach((key) => this.client.isReady && void this.client.zRem(key, member).catch(() => {})) };
  }

  cap(name: string, max: number): ConnectionCap {
    return this.caps.cap(name, max, () => this.isShared);
  }

  sweep(): void {
    this.local.sweep();
    const now = Date.now();
    for (const [key, until] of this.refusedUntil) if (until <= now) this.refusedUntil.delete(key);
  }

  /** Stops the probes, says this process holds nothing open any more, and quits. Later calls wait for the same. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      clearInterval(this.timer);
      if (this.isShared) await this.caps.forget().catch(() => {});
      this.isShared = false;
      this.whenShared.clear();
      const cut = setTimeout(() => this.client.destroy(), 1000);
      try {
        await this.client.close();
      } catch {
        // Closed already.
      } finally {
        clearTimeout(cut);
      }
    })());
  }

  /** A script on Redis; a failure means Redis is away (until a probe gets through) and is thrown on. */
  private async call(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await run(this.client, script, keys, args);
    } catch (error) {
      this.away(reasonOf(error));
      throw error;
    }
  }

  /** Every second: a probe while counting here, and what is open said again every third of the TTL. */
  private tick(): void {
    if (this.closing) return;
    if (!this.isShared || Date.now() - this.lastRestate >= this.refreshMs) void this.restate();
  }

  /** Says what this process holds open; once it gets through, takes go to Redis again. */
  private restate(): Promise<boolean> {
    if (this.closing || !this.client.isReady) return Promise.resolve(false);
    return (this.restating ??= (async () => {
      try {
        await this.caps.restate();
        this.lastRestate = Date.now();
        if (!this.isShared && !this.closing) {
          this.isShared = true;
          this.log('limits_shared', { note: 'limits are counted in Redis, for the whole site' });
          for (const resolve of this.whenShared) resolve();
        }
        return true;
      } catch {
        return false;
      } finally {
        this.restating = undefined;
      }
    })());
  }

  private away(reason: string): void {
    this.reason = reason;
    if (!this.isShared || this.closing) return;
    this.isShared = false;
    this.log('limits_local', { reason, note: 'Redis cannot be reached: each process counts its limits on its own until it can' });
  }

  /** Whether the counters are on Redis now or get there within `ms`; logs when they start without it. */
  private async sharedWithin(ms: number): Promise<void> {
    if (this.isShared) return;
    let done = () => {};
    const shared = new Promise<void>((resolve) => (done = resolve));
    this.whenShared.add(done);
    const timer = setTimeout(done, ms);
    await shared;
    clearTimeout(timer);
    this.whenShared.delete(done);
    if (!this.isShared) {
      this.log('limits_local', { reason: this.reason, note: 'starting without Redis: this process counts its limits on its own, and keeps trying to reach it' });
    }
  }
}

function ours(window: SlidingWindow): RedisWindow {
  if (window instanceof RedisWindow) return window;
  throw new TypeError('a window of other counters');
}
