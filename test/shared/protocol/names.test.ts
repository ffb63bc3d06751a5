// User and room names (docs/protocol.md): who may be called what, and which rooms may be made.
import { describe, expect, it } from 'vitest';
import { checkRoomName, checkUserName, normalizeRoomName, normalizeUserName } from '../../../src/shared/protocol/index.js';

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

  it('refuses user names with a character that shows nothing or turns text round, saying so', () => {
    const invisible = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2060', '\u2064', '\u2066', '\u2069', '\ufeff', '\u00ad', '\u061c', '\u3164', '\u115f', '\u2800', '\u034f', '\u{e0041}'];
    for (const char of invisible) {
      expect(checkUserName(`Al${char}ice`), `U+${char.codePointAt(0)!.toString(16)}`).toEqual({ ok: false, problem: 'invisible' });
      // A name of it alone is just as invisible (trimming keeps it: it is not white space).
      expect(checkUserName(char).ok).toBe(false);
    }
    expect(checkUserName('a\u0007b')).toEqual({ ok: false, problem: 'invisible' });
    expect(checkUserName('x'.repeat(33))).toEqual({ ok: false, problem: 'length' });
  });

  it('keeps emoji with a variation selector, and names in any script', () => {
    for (const name of ['❤\ufe0f Fan', '😀', '路人甲', 'Ελένη', 'محمد', 'Ada Lovelace']) expect(checkUserName(name)).toEqual({ ok: true, name });
  });

  it('refuses room names with invisible letters or marks (a Hangul filler, a variation selector)', () => {
    for (const char of ['\u3164', '\u115f', '\ufe0f', '\u034f', '\u180b']) {
      expect(checkRoomName(`dev${char}`), `U+${char.codePointAt(0)!.toString(16)}`).toEqual({ ok: false, problem: 'invisible' });
    }
    expect(checkRoomName('dev\u200b')).toEqual({ ok: false, problem: 'length' });
    expect(checkRoomName('技术-talk_2')).toEqual({ ok: true, name: '技术-talk_2' });
  });
});
