// Rooms made per hour: by one user, and by one client address (several users behind it, or one
// signing in again and again under new names), counted apart so that one does not use up the other.
import type { Counters, SlidingWindow } from './counters.js';

const HOUR_MS = 60 * 60 * 1000;
/** An address may make this many times a user's allowance: a household or an office shares one. */
export const ADDRESS_FACTOR = 3;

/** A room that may be made (counted already, given back if it is not made after all), or which allowance ran out and for how long. */
export type RoomTake = { ok: true; giveBack(): void } | { ok: false; by: 'user' | 'address'; waitMs: number };

export class RoomCreationLimits {
  private readonly byUser: SlidingWindow;
  private readonly byAddress: SlidingWindow;

  /** `perUser` rooms an hour for a user, three times as many for an address; 0 turns both off. */
  constructor(
    private readonly counters: Counters,
    perUser: number,
    windowMs = HOUR_MS,
  ) {
    this.byUser = counters.window('rooms-user', perUser, windowMs);
    this.byAddress = counters.window('rooms-address', perUser * ADDRESS_FACTOR, windowMs);
  }

  /**
   * Counts a room about to be made, for the user and the address together or for neither, before
   * anything waits, so that requests at once cannot all get through. The user's allowance is asked first.
   */
  async take(userId: string, address: string): Promise<RoomTake> {
    const taken = await this.counters.takeAll([
      [this.byUser, userId],
      [this.byAddress, address],
    ]);
    if (taken.ok) return taken;
    return { ok: false, by: taken.index === 0 ? 'user' : 'address', waitMs: taken.waitMs };
  }
}
