// The key names are compared by (docs/protocol.md, "Names"): case, width, look-alike letters of
// other scripts and invisible characters make no new name; an accent, a digit or a letter more does.
import { describe, expect, it } from 'vitest';
import { nameKey } from '../../../src/shared/protocol/index.js';

const same = (a: string, b: string) => expect(nameKey(a), `${JSON.stringify(a)} and ${JSON.stringify(b)}`).toBe(nameKey(b));
const differ = (a: string, b: string) => expect(nameKey(a), `${JSON.stringify(a)} and ${JSON.stringify(b)}`).not.toBe(nameKey(b));

describe('nameKey', () => {
  it('makes Alice, alice, ALICE, fullwidth ＡＬＩＣＥ and Аlice (Cyrillic А) one name', () => {
    for (const other of ['alice', 'ALICE', 'ＡＬＩＣＥ', '\u0410lice', 'A1ice']) same('Alice', other);
  });

  it('makes dev and dеv (Cyrillic е) one name, and Latin and Greek capitals alike too', () => {
    same('dev', 'd\u0435v');
    same('PAPA', '\u03a1\u0410\u03a1\u0391');
  });

  it('folds case fully (ß and SS) and the compatibility forms NFKC joins (Ⅻ and xii, ﬁ and fi)', () => {
    same('Straße', 'STRASSE');
    same('Ⅻ', 'xii');
    same('\ufb01sh', 'fish');
  });

  it('ignores invisible characters and repeated white space', () => {
    same('Alice', 'Al\u200bice');
    same('Ada Lovelace', 'Ada  Lovelace');
    same('Ada Lovelace', 'Ada\u3000Lovelace');
    same('❤', '❤\ufe0f');
  });

  it('keeps names apart that a reader tells apart: an accent, a digit more, another letter, another script', () => {
    differ('Alice', 'Ålice');
    differ('Alice', 'Alice2');
    differ('Alice', 'Alicia');
    differ('bob', 'bop');
    differ('路人甲', '路人乙');
    differ('李雷', '韩梅梅');
  });

  it('is the same for a name written composed or decomposed', () => {
    same('\u00c5lice', 'A\u030alice');
  });

  it('gives a name and its key back alike every time (it is kept in the database)', () => {
    expect(nameKey('Alice')).toBe('a1ice');
    expect(nameKey('  Dev  ')).toBe('dev');
  });
});
