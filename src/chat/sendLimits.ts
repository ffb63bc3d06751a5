// The per-user limits of the socket: messages (chat, dm) across all of a user's tabs, with a
// connection that keeps going after being refused closed; and `people` searches.
import { RateLimiter } from '../limits/rateLimiter.js';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Connection } from './connection.js';
import { refuse } from './errors.js';

export class SendLimits {
  private readonly messages: RateLimiter;
  /** Refusals per connection; one that gets as many again as the limit is closed. */
  private readonly strikes: RateLimiter;
  private readonly searches: RateLimiter;

  constructor(limit: number, windowMs: number) {
    this.messages = new RateLimiter(limit, windowMs);
    this.strikes = new RateLimiter(limit, windowMs);
    this.searches = new RateLimiter(limit, windowMs);
  }

  /** Throws `rate_limited`; past the strikes the connection is closed with 1008 first (the error then goes nowhere). */
  takeMessage(connection: Connection): void {
    if (this.messages.take(connection.user.id)) return;
    if (!this.strikes.take(connection.id)) connection.peer.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
    refuse('rate_limited', 'wsError.rate_limited');
  }

  /** A search reads a whole room: limited like messages, but a refused one costs no strike. */
  takeSearch(connection: Connection): void {
    if (!this.searches.take(connection.user.id)) refuse('rate_limited', 'wsError.rate_limited.people');
  }

  /** Drops the entries of users who have gone quiet. */
  sweep(now = Date.now()): void {
    this.messages.sweep(now);
    this.strikes.sweep(now);
    this.searches.sweep(now);
  }
}
