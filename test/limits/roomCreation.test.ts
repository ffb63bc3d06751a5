// Rooms made per hour, per user and per address (src/limits/roomCreation.ts): checking counts
// nothing, only made rooms count, the address allows three times a user's allowance, and the wait
// is until the oldest counted room leaves the hour.
import { describe, expect, it } from 'vitest';
import { ADDRESS_FACTOR, RoomCreationLimits } from '../../src/limits/roomCreation.js';

const HOUR = 60 * 60 * 1000;

describe('RoomCreationLimits', () => {
  it('allows a user their allowance an hour, then says how long until the oldest room stops counting', () => {
    const limits = new RoomCreationLimits(2);
    expect(limits.check('ann', 'a1', 0)).toBeUndefined();
    // Checking alone counts nothing.
    expect(limits.check('ann', 'a1', 0)).toBeUndefined();
    limits.count('ann', 'a1', 1000);
    limits.count('ann', 'a1', 5000);
    expect(limits.check('ann', 'a1', 6000)).toEqual({ by: 'user', waitMs: HOUR + 1000 - 6000 });
    // Another user at the same address, and the same user anywhere, as the counts say.
    expect(limits.check('ben', 'a1', 6000)).toBeUndefined();
    expect(limits.check('ann', 'a2', 6000)).toEqual({ by: 'user', waitMs: HOUR - 5000 });
    expect(limits.check('ann', 'a1', HOUR + 1000)).toBeUndefined();
  });

  it('allows an address three times a user’s allowance, whoever makes them', () => {
    const limits = new RoomCreationLimits(2);
    for (let i = 0; i < 2 * ADDRESS_FACTOR; i++) limits.count(`user${i}`, 'shared', i);
    expect(limits.check('newcomer', 'shared', 10)).toEqual({ by: 'address', waitMs: HOUR - 10 });
    expect(limits.check('newcomer', 'elsewhere', 10)).toBeUndefined();
  });

  it('is off at 0', () => {
    const limits = new RoomCreationLimits(0);
    for (let i = 0; i < 100; i++) limits.count('ann', 'a1', i);
    expect(limits.check('ann', 'a1', 100)).toBeUndefined();
  });
});
