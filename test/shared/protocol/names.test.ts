// User and room names (docs/protocol.md): who may be called what, and which rooms may be made.
import { describe, expect, it } from 'vitest';
import { normalizeRoomName, normalizeUserName } from '../../../src/shared/protocol/index.js';

describe('names', () => {
  it('accepts 1 to 32 code points without control characters, trimmed', () => {
    expect(normalizeUserName('  路人甲 ')).toBe('路人甲');
    expect(normalizeUserName('x'.repeat(32))).toBe('x'.repeat(32));
    expect(normalizeUserName('x'.repeat(33))).toBeNull();
    expect(normalizeUserName('a\nb')).toBeNull();
    expect(normalizeUserName('')).toBeNull();
    expect(normalizeUserName(42)).toBeNull();
  });

  it('allows letters of any script, digits, - and _ in room names', () => {
    expect(normalizeRoomName('技术-talk_2')).toBe('技术-talk_2');
    expect(normalizeRoomName('Ελληνικά')).toBe('Ελληνικά');
    for (const bad of ['', 'a b', 'a.b', 'a/b', '#x', 'x'.repeat(33)]) expect(normalizeRoomName(bad)).toBeNull();
  });
});
