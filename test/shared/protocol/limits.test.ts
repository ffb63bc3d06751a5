// The protocol's limits as people see them: an unread count past the cap is shown as 999+; a room
// shown by name gets its presence within 50 ms, a bigger one as often as 4,000 writes a second allow.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM, PRESENCE_FLUSH_MAX_MS, PRESENCE_FLUSH_MS, presenceInterval, UNREAD_CAP, unreadLabel } from '../../../src/shared/protocol/index.js';

describe('unreadLabel', () => {
  it('shows counts as they are below the cap and 999+ from the capped count on', () => {
    expect(unreadLabel(0)).toBe('0');
    expect(unreadLabel(998)).toBe('998');
    expect(unreadLabel(999)).toBe('999');
    expect(unreadLabel(UNREAD_CAP)).toBe('999+');
    expect(unreadLabel(UNREAD_CAP + 5)).toBe('999+');
  });
});

describe('presenceInterval', () => {
  it('keeps 50 ms while the room is shown by name, then writes at most 4,000 sockets a second, up to 2 s', () => {
    for (const members of [1, 10, BIG_ROOM]) expect(presenceInterval(members)).toBe(PRESENCE_FLUSH_MS);
    expect(presenceInterval(BIG_ROOM + 1)).toBeGreaterThan(PRESENCE_FLUSH_MS);
    for (const members of [1000, 5000]) expect((members / presenceInterval(members)) * 1000).toBeCloseTo(4000);
    expect(presenceInterval(5000)).toBe(1250);
    expect(presenceInterval(100_000)).toBe(PRESENCE_FLUSH_MAX_MS);
  });
});
