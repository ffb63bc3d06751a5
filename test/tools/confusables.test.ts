// The confusables table (src/shared/protocol/confusables.ts) and its generator: classes made by
// union-find over one-character pairs, the display marks around right-to-left characters dropped,
// sequences left out; and the committed table is what the generator makes from the machine's
// python3-confusable-homoglyphs (skipped, saying so, where that is not installed).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { confusableClasses, encodeClasses } from '../../src/tools/confusables/classes.js';
import { tableSource } from '../../src/tools/confusables/source.js';
import { CONFUSABLE_CLASSES } from '../../src/shared/protocol/confusables.js';

const JSON_FILE = '/usr/lib/python3/dist-packages/confusable_homoglyphs/confusables.json';
const installed = fs.existsSync(JSON_FILE);
if (!installed) console.warn(`SKIPPING the comparison with ${JSON_FILE}: apt-get install python3-confusable-homoglyphs`);

describe('confusable classes', () => {
  it('joins every pair into classes led by their lowest code point, dropping display marks and sequences', () => {
    const json = {
      l: [{ c: 'I' }, { c: '1' }, { c: 'rn' }],
      I: [{ c: '\u0406' }],
      '\u0406': [{ c: 'I' }],
      o: [{ c: '\u200e\u05e1\u200e' }],
      m: [{ c: 'rn' }],
    };
    expect(confusableClasses(json)).toEqual([
      ['1', 'I', 'l', '\u0406'].map((c) => c.codePointAt(0)),
      ['o', '\u05e1'].map((c) => c.codePointAt(0)),
    ]);
    expect(encodeClasses([[0x31, 0x49], [0x6f, 0x5e1]])).toBe('1d,21;33,15t');
  });

  it.skipIf(!installed)('is committed as the generator makes it from the installed package', () => {
    const classes = confusableClasses(JSON.parse(fs.readFileSync(JSON_FILE, 'utf8')));
    const committed = fs.readFileSync(new URL('../../src/shared/protocol/confusables.ts', import.meta.url), 'utf8');
    expect(committed).toBe(tableSource(classes, { file: JSON_FILE, version: '3.2.0' }));
    expect(CONFUSABLE_CLASSES.replace(/\s+/g, '')).toBe(encodeClasses(classes));
  });
});
