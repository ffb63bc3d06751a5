// Limits counted in this process's memory: the default, and what a single process (SQLite) uses.
// Also what a Redis-backed process falls back on while Redis cannot be reached (redisCounters.ts).
import { FREE, UNCOUNTED, type Admitted, type ConnectionCap, type Counters, type SlidingWindow, type Taken } from './counters.js';
import { RateLimiter } from './rateLimiter.js';

export class LocalWindow implements SlidingWindow {
  readonly limiter: RateLimiter;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number,
  ) {
    this.limiter = new RateLimiter(limit, windowMs);
  }

  take(key: string): Promise<Taken> {
    return Promise.resolve(takeNow([[this, key]], this.now()));
  }
}

/** Hits in each window, or none: every window is asked before any counts. Synchronous, for the Redis fallback too. */
export function takeNow(pairs: readonly (readonly [LocalWindow, string])[], now: number): Taken {
  for (const [index, [window, key]] of pairs.entries()) {
    const waitMs = window.limiter.waitMs(key, now);
    if (waitMs > 0) return { ok: false, waitMs, index };
  }
  const counted = pairs.filter(([window]) => window.limit > 0);
  if (counted.length === 0) return FREE;
  for (const [window, key] of counted) window.limiter.take(key, now);
  return { ok: true, giveBack: () => counted.forEach(([window, key]) => window.limiter.giveBack(key, now)) };
}

/** Open connections per key, in this process. */
export class LocalCap implements ConnectionCap {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  admit(key: string): Promise<Admitted | undefined> {
    return Promise.resolve(this.admitNow(key));
  }

  admitNow(key: string): Admitted | undefined {
    if (this.max === 0) return UNCOUNTED;
    const open = this.open.get(key) ?? 0;
    if (open >= this.max) return undefined;
    this.open.set(key, open + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(key) ?? 1) - 1;
        if (left > 0) this.open.set(key, left);
        else this.open.delete(key);
      },
    };
  }
}

export class LocalCounters implements Counters {
  private readonly windows: LocalWindow[] = [];

  /** `now` is the clock (the tests' own, or Date.now). */
  constructor(private readonly now: () => number = Date.now) {}

  window(_name: string, limit: number, windowMs: number): LocalWindow {
    const window = new LocalWindow(limit, windowMs, this.now);
    this.windows.push(window);
    return window;
  }

  takeAll(pairs: readonly (readonly [SlidingWindow, string])[]): Promise<Taken> {
    return Promise.resolve(takeNow(pairs.map(([window, key]) => [local(window), key] as const), this.now()));
  }

  cap(_name: string, max: number): LocalCap {
    return new LocalCap(max);
  }

  sweep(): void {
    const now = this.now();
    for (const window of this.windows) window.limiter.sweep(now);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function local(window: SlidingWindow): LocalWindow {
  if (window instanceof LocalWindow) return window;
  throw new TypeError('a window of other counters');
}
