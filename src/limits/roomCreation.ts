// Rooms made per hour: by one user, and by one client address (several users behind it, or one
// signing in again and again under new names), counted apart so that one does not use up the other.
import { RateLimiter } from './rateLimiter.js';

const HOUR_MS = 60 * 60 * 1000;
/** An address may make this many times a user's allowance: a household or an office shares one. */
export const ADDRESS_FACTOR = 3;

/** Which allowance a refused creation ran out of, and how long until there is room again. */
export interface Refusal {
  by: 'user' | 'address';
  waitMs: number;
}

export class RoomCreationLimits {
  private readonly byUser: RateLimiter;
  private readonly byAddress: RateLimiter;

  /** `perUser` rooms an hour for a user, three times as many for an address; 0 turns both off. */
  constructor(perUser: number, windowMs = HOUR_MS) {
    this.byUser = new RateLimiter(perUser, windowMs);
    this.byAddress = new RateLimiter(perUser * ADDRESS_FACTOR, windowMs);
  }

  /** Why a room may not be made now, or undefined when it may; nothing is counted. */
  check(userId: string, address: string, now = Date.now()): Refusal | undefined {
    const user = this.byUser.waitMs(userId, now);
    if (user > 0) return { by: 'user', waitMs: user };
    const byAddress = this.byAddress.waitMs(address, now);
    return byAddress > 0 ? { by: 'address', waitMs: byAddress } : undefined;
  }

  /** Counts a room about to be made, before the write, so that requests at once cannot all pass `check`. */
  count(userId: string, address: string, now = Date.now()): void {
    this.byUser.take(userId, now);
    this.byAddress.take(address, now);
  }

  /** The room was not made after all (its name was taken meanwhile): only made rooms count. */
  uncount(userId: string, address: string): void {
    this.byUser.giveBack(userId);
    this.byAddress.giveBack(address);
  }

  sweep(now = Date.now()): void {
    this.byUser.sweep(now);
    this.byAddress.sweep(now);
  }
}
