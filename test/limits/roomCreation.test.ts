// Rooms made per hour, per user and per address (src/limits/roomCreation.ts), on counters in
// memory with the test's clock: a take counts for both or neither, a room not made is given back,
// the address allows three times a user's allowance, and the wait is until the oldest counted
// room leaves the hour.
import { describe, expect, it } from 'vitest';
import { LocalCounters } from '../../src/limits/localCounters.js';
import { ADDRESS_FACTOR, RoomCreationLimits } from '../../src/limits/roomCreation.js';

const HOUR = 60 * 60 * 1000;

function limitsAt(perUser: number) {
  const clock = { now: 0 };
  return { clock, limits: new RoomCreationLimits(new LocalCounters(() => clock.now), perUser) };
}

describe('RoomCreationLimits', () => {
  it('allows a user their allowance an hour, then says how long until the oldest room stops counting', async () => {
    const { clock, limits } = limitsAt(2);
    clock.now = 1000;
    expect((await limits.take('ann', 'a1')).ok).toBe(true);
    clock.now = 5000;
    expect((await limits.take('ann', 'a1')).ok).toBe(true);
    clock.now = 6000;
    expect(await limits.take('ann', 'a1')).toEqual({ ok: false, by: 'user', waitMs: HOUR + 1000 - 6000 });
    // Another user at the same address, and the same user anywhere, as the counts say.
    expect(await limits.take('ann', 'a2')).toEqual({ ok: false, by: 'user', waitMs: HOUR - 5000 });
    expect((await limits.take('ben', 'a1')).ok).toBe(true);
    clock.now = HOUR + 1000;
    expect((await limits.take('ann', 'a1')).ok).toBe(true);
  });

  it('counts nothing for a room given back (its name was taken), for the user and the address alike', async () => {
    const { limits } = limitsAt(1);
    const taken = await limits.take('ann', 'a1');
    if (!taken.ok) throw new Error('refused');
    taken.giveBack();
    expect((await limits.take('ann', 'a1')).ok).toBe(true);
    expect((await limits.take('ann', 'a1')).ok).toBe(false);
  });

  it('allows an address three times a user’s allowance, whoever makes them; a refused take counts for neither', async () => {
    const { clock, limits } = limitsAt(2);
    for (let i = 0; i < 2 * ADDRESS_FACTOR; i++) {
      clock.now = i;
      expect((await limits.take(`user${i}`, 'shared')).ok).toBe(true);
    }
    clock.now = 10;
    expect(await limits.take('newcomer', 'shared')).toEqual({ ok: false, by: 'address', waitMs: HOUR - 10 });
    // The refusal at the address did not use the newcomer's own allowance.
    expect((await limits.take('newcomer', 'elsewhere')).ok).toBe(true);
    expect((await limits.take('newcomer', 'elsewhere')).ok).toBe(true);
  });

  it('is off at 0', async () => {
    const { limits } = limitsAt(0);
    for (let i = 0; i < 100; i++) expect((await limits.take('ann', 'a1')).ok).toBe(true);
  });
});
