// The seam of "a limit counted somewhere": sliding windows (so many hits a window per key) and caps
// on open connections (so many at once per key). In this process's memory (localCounters.ts: one process,
// SQLite, the default) or in Redis (redisCounters.ts, with REDIS_URL: counted for the whole site). Chosen
// once at start and handed to every limit; each take is asynchronous, and never fails: where Redis
// cannot answer, the process counts on its own (see redisCounters.ts).

/** The answer to a take: counted (and how to take it back), or refused and for how long. */
export type Taken =
  | { ok: true; /** The thing counted did not happen after all: the hit stops counting. */ giveBack(): void }
  | { ok: false; /** Until a hit would be let in. */ waitMs: number; /** Which of `takeAll`'s pairs refused: 0 for the first. */ index: number };

/** At most `limit` hits in any `windowMs`, per key; a limit of 0 lets everything in. */
export interface SlidingWindow {
  readonly limit: number;
  readonly windowMs: number;
  /** Records a hit unless the key already has `limit` in the window; a refused hit is not recorded. */
  take(key: string): Promise<Taken>;
}

/** An open connection counted until it is released (released twice, it counts off once). */
export interface Admitted {
  release(): void;
}

/** At most `max` open at once per key; a max of 0 lets everything in. */
export interface ConnectionCap {
  readonly max: number;
  /** Counts one more open under `key`, or undefined when the key is at its cap. */
  admit(key: string): Promise<Admitted | undefined>;
}

export interface Counters {
  /** A window named for what it counts (`messages`, `signin`…): one name, one window, on every process. */
  window(name: string, limit: number, windowMs: number): SlidingWindow;
  /** A hit in each window for its key, or in none: the first pair that refuses says so. */
  takeAll(pairs: readonly (readonly [SlidingWindow, string])[]): Promise<Taken>;
  /** A cap named for what it counts (`address`, `user`). */
  cap(name: string, max: number): ConnectionCap;
  /** Forgets, in memory, the keys whose hits have all left their windows. */
  sweep(): void;
  /** Stops counting: what this process held open stops counting for the others. */
  close(): Promise<void>;
}

/** A take of nothing, or of what no limit counts. */
export const FREE: Taken = { ok: true, giveBack: () => {} };

/** An open connection no cap counts. */
export const UNCOUNTED: Admitted = { release: () => {} };
