/**
 * A sliding-window counter per key: at most `limit` hits in any `windowMs`. A limit of 0 means
 * no limit. Keys with no recent hits are dropped by `sweep`, so memory follows active keys only.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0');
    if (!(windowMs > 0)) throw new RangeError('windowMs must be positive');
  }

  /** Records a hit and says whether it is within the limit; a refused hit is not recorded. */
  take(key: string, now = Date.now()): boolean {
    if (this.limit === 0) return true;
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    while (times.length > 0 && (times[0] as number) <= now - this.windowMs) times.shift();
    if (times.length >= this.limit) return false;
    times.push(now);
    return true;
  }

  /** How long until a hit would be allowed, without recording one: 0 when it would be now. */
  waitMs(key: string, now = Date.now()): number {
    const times = this.hits.get(key);
    if (this.limit === 0 || !times || times.length < this.limit) return 0;
    // The hit that leaves the window first makes room: the limit-th newest.
    return Math.max(0, (times[times.length - this.limit] as number) + this.windowMs - now);
  }

  /** Takes back a hit of a key, the one made at `at` (what it was for did not happen after all); the newest without `at`. */
  giveBack(key: string, at?: number): void {
    const times = this.hits.get(key);
    if (!times) return;
    const index = at === undefined ? times.length - 1 : times.lastIndexOf(at);
    if (index >= 0) times.splice(index, 1);
  }

  sweep(now = Date.now()): void {
    for (const [key, times] of this.hits) {
      const last = times[times.length - 1];
      if (last === undefined || last <= now - this.windowMs) this.hits.delete(key);
    }
  }
}
