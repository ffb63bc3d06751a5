// What one user's sockets may send, all tabs together: chats and DMs (RATE_LIMIT), every other
// frame (FRAME_RATE_LIMIT), and within those the costlier reads: history pages and people
// searches. A connection that keeps going after being refused as many times again as the limit is
// closed with 1008. A limit of 0 turns that limit off.
import { RateLimiter } from '../limits/rateLimiter.js';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Connection } from './connection.js';
import { refuse } from './errors.js';

/** History pages and people searches may be this share of the frame limit: each reads a page or a room. */
const READS_SHARE = 10;

export interface UserLimitSettings {
  /** Chats and DMs per window. */
  rateLimit: number;
  /** Every other frame per window. */
  frameRateLimit: number;
  rateWindowMs: number;
}

export class UserLimits {
  private readonly messages: RateLimiter;
  private readonly messageStrikes: RateLimiter;
  private readonly frames: RateLimiter;
  private readonly frameStrikes: RateLimiter;
  private readonly history: RateLimiter;
  private readonly searches: RateLimiter;

  constructor({ rateLimit, frameRateLimit, rateWindowMs }: UserLimitSettings) {
    this.messages = new RateLimiter(rateLimit, rateWindowMs);
    this.messageStrikes = new RateLimiter(rateLimit, rateWindowMs);
    this.frames = new RateLimiter(frameRateLimit, rateWindowMs);
    this.frameStrikes = new RateLimiter(frameRateLimit, rateWindowMs);
    const reads = frameRateLimit === 0 ? 0 : Math.max(1, Math.floor(frameRateLimit / READS_SHARE));
    this.history = new RateLimiter(reads, rateWindowMs);
    // People searches keep their own limit as before (the message rate), and count as frames too.
    this.searches = new RateLimiter(rateLimit, rateWindowMs);
  }

  /** A chat or DM: throws `rate_limited`; past the strikes the connection is closed with 1008 first. */
  takeMessage(connection: Connection): void {
    if (this.messages.take(connection.user.id)) return;
    strike(this.messageStrikes, connection);
  }

  /** Any other frame (join, leave, read, typing, history, people, ping). */
  takeFrame(connection: Connection): void {
    if (this.frames.take(connection.user.id)) return;
    strike(this.frameStrikes, connection);
  }

  /** A history page: a read of up to 100 messages, so fewer of them. */
  takeHistory(connection: Connection): void {
    if (this.history.take(connection.user.id)) return;
    strike(this.frameStrikes, connection);
  }

  /** A people search reads a whole room: limited, but a refused one costs no strike. */
  takeSearch(connection: Connection): void {
    if (!this.searches.take(connection.user.id)) refuse('rate_limited', 'wsError.rate_limited.people');
  }

  /** Drops the entries of users who have gone quiet. */
  sweep(now = Date.now()): void {
    for (const limiter of [this.messages, this.messageStrikes, this.frames, this.frameStrikes, this.history, this.searches]) limiter.sweep(now);
  }
}

/** A refusal: `rate_limited`, and for a connection out of strikes a 1008 close first (the error then goes nowhere). */
function strike(strikes: RateLimiter, connection: Connection): never {
  if (!strikes.take(connection.id)) connection.peer.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
  refuse('rate_limited', 'wsError.rate_limited');
}
