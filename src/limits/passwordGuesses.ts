// Wrong passwords, counted per name (its key: every spelling of it) and per client address (any
// names), in windows short enough that the owner of a name someone is guessing at waits minutes,
// not hours: the default lets 10 wrong passwords a name and 30 an address in any 5 minutes.
import type { Counters, SlidingWindow } from './counters.js';

export const GUESS_WINDOW_MS = 5 * 60 * 1000;
/** An address may try this many times a name's allowance, over any names: a household or an office shares one. */
export const ADDRESS_FACTOR = 3;

/** A guess that may be checked (counted already; given back when it was right), or which allowance ran out and for how long. */
export type GuessTake = { ok: true; right(): void } | { ok: false; by: 'name' | 'address'; waitMs: number };

export class PasswordGuesses {
  private readonly byName: SlidingWindow;
  private readonly byAddress: SlidingWindow;

  /** `perName` wrong passwords a name per window, three times as many an address. */
  constructor(
    private readonly counters: Counters,
    perName: number,
    windowMs = GUESS_WINDOW_MS,
  ) {
    this.byName = counters.window('password-name', perName, windowMs);
    this.byAddress = counters.window('password-address', perName * ADDRESS_FACTOR, windowMs);
  }

  /**
   * Counts a guess before the password is checked, for the name and the address together or for
   * neither, so that guesses at once cannot all get through; a right one is given back (`right`),
   * so only wrong ones count. The name's allowance is asked first.
   */
  async take(nameKey: string, address: string): Promise<GuessTake> {
    const taken = await this.counters.takeAll([
      [this.byName, nameKey],
      [this.byAddress, address],
    ]);
    if (taken.ok) return { ok: true, right: () => taken.giveBack() };
    return { ok: false, by: taken.index === 0 ? 'name' : 'address', waitMs: taken.waitMs };
  }
}
