// What one user's sockets may send, all tabs together: chats and DMs (RATE_LIMIT), every other
// frame (FRAME_RATE_LIMIT), and within those the costlier reads: history pages and people
// searches. Counted where the counters are (src/limits/counters.ts): for the whole site with Redis.
// A connection that keeps going after being refused as many times again as the limit is closed
// with 1008 (the strikes are the connection's own, counted here). A limit of 0 turns that limit off.
import type { Counters, SlidingWindow } from '../limits/counters.js';
import { LocalCounters } from '../limits/localCounters.js';
import { RateLimiter } from '../limits/rateLimiter.js';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Connection } from './connection.js';
import { refuse, refuseRate } from './errors.js';

/** History pages and people searches may be this share of the frame limit: each reads a page or a room. */
const READS_SHARE = 10;

export interface UserLimitSettings {
  /** Chats and DMs per window. */
  rateLimit: number;
  /** Every other frame per window. */
  frameRateLimit: number;
  rateWindowMs: number;
  /** Where the users' hits are counted: this process's memory unless given (Redis, for the whole site). */
  counters?: Counters;
}

export class UserLimits {
  private readonly messages: SlidingWindow;
  private readonly messageStrikes: RateLimiter;
  private readonly frames: SlidingWindow;
  private readonly frameStrikes: RateLimiter;
  private readonly history: SlidingWindow;
  private readonly searches: SlidingWindow;
  /** Counters made here (none were given): swept here too. */
  private readonly own: LocalCounters | undefined;

  constructor({ rateLimit, frameRateLimit, rateWindowMs, counters: given }: UserLimitSettings) {
    const counters = given ?? (this.own = new LocalCounters());
    this.messages = counters.window('messages', rateLimit, rateWindowMs);
    this.messageStrikes = new RateLimiter(rateLimit, rateWindowMs);
    this.frames = counters.window('frames', frameRateLimit, rateWindowMs);
    this.frameStrikes = new RateLimiter(frameRateLimit, rateWindowMs);
    const reads = frameRateLimit === 0 ? 0 : Math.max(1, Math.floor(frameRateLimit / READS_SHARE));
    this.history = counters.window('history', reads, rateWindowMs);
    // People searches keep their own limit as before (the message rate), and count as frames too.
    this.searches = counters.window('people', rateLimit, rateWindowMs);
  }

  /** A chat or DM: throws `rate_limited`; past the strikes the connection is closed with 1008 first. */
  async takeMessage(connection: Connection): Promise<void> {
    const taken = await this.messages.take(connection.user.id);
    if (taken.ok) return;
    // The page waits this long and sends it again by itself (docs/protocol.md, `retryAfter`).
    strike(this.messageStrikes, connection, taken.waitMs);
  }

  /** Any other frame (join, leave, read, typing, history, people, ping). */
  async takeFrame(connection: Connection): Promise<void> {
    if ((await this.frames.take(connection.user.id)).ok) return;
    strike(this.frameStrikes, connection);
  }

  /** A history page: a read of up to 100 messages, so fewer of them. */
  async takeHistory(connection: Connection): Promise<void> {
    if ((await this.history.take(connection.user.id)).ok) return;
    strike(this.frameStrikes, connection);
  }

  /** A people search reads a whole room: limited, but a refused one costs no strike. */
  async takeSearch(connection: Connection): Promise<void> {
    if (!(await this.searches.take(connection.user.id)).ok) refuse('rate_limited', 'wsError.rate_limited.people');
  }

  /** Drops the strikes of connections that have gone quiet (the counters sweep their own). */
  sweep(now = Date.now()): void {
    for (const limiter of [this.messageStrikes, this.frameStrikes]) limiter.sweep(now);
    this.own?.sweep();
  }
}

/** A refusal: `rate_limited` (with `retryAfter` when known), and for a connection out of strikes a 1008 close first (the error then goes nowhere). */
function strike(strikes: RateLimiter, connection: Connection, retryAfterMs?: number): never {
  if (!strikes.take(connection.id)) connection.peer.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
  if (retryAfterMs !== undefined) refuseRate(retryAfterMs);
  refuse('rate_limited', 'wsError.rate_limited');
}
