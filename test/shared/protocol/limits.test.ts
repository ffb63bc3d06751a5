// The protocol's limits as people see them: an unread count past the cap is shown as 999+.
import { describe, expect, it } from 'vitest';
import { UNREAD_CAP, unreadLabel } from '../../../src/shared/protocol/index.js';

describe('unreadLabel', () => {
  it('shows counts as they are below the cap and 999+ from the capped count on', () => {
    expect(unreadLabel(0)).toBe('0');
    expect(unreadLabel(998)).toBe('998');
    expect(unreadLabel(999)).toBe('999');
    expect(unreadLabel(UNREAD_CAP)).toBe('999+');
    expect(unreadLabel(UNREAD_CAP + 5)).toBe('999+');
  });
});
