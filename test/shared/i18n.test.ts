// The catalogue of UI text (src/shared/i18n): the same keys and placeholders in every language,
// every key the templates use, and placeholders filled as plain text.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIEWS_DIR } from '../../src/paths.js';
import { LANGUAGES, catalogue, interpolate, translate, translateParts, wsErrorKey } from '../../src/shared/i18n/index.js';

describe('the catalogue', () => {
  it('has exactly the same keys, and the same placeholders, in every language', () => {
    const [first, ...others] = LANGUAGES.map((lang) => catalogue(lang));
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const other of others) {
      expect(Object.keys(other ?? {}).sort()).toEqual(Object.keys(first ?? {}).sort());
      for (const [key, text] of Object.entries(first ?? {})) {
        expect(placeholders((other as Record<string, string>)[key] ?? ''), key).toEqual(placeholders(text));
        expect((other as Record<string, string>)[key], key).not.toBe('');
      }
    }
  });

  it('has every key the templates use', () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.njk'))) {
      const source = fs.readFileSync(path.join(VIEWS_DIR, file), 'utf8');
      for (const match of source.matchAll(/\bt(?:Parts)?\(\s*(['"])([^'"]+)\1/g)) used.add(match[2] ?? '');
    }
    expect(used.size).toBeGreaterThan(20);
    const known = Object.keys(catalogue('en'));
    expect([...used].filter((key) => !known.includes(key))).toEqual([]);
  });

  it('fills placeholders as plain text and leaves unknown ones alone', () => {
    expect(translate('en', 'typing.two', { a: '<b>Ann</b>', b: 'Bo' })).toBe('<b>Ann</b> and Bo are typing…');
    expect(translate('zh-CN', 'status.waiting', { seconds: 3 })).toBe('连接已断开，3 秒后重连');
    expect(interpolate('{a} {missing}', { a: 1 })).toBe('1 {missing}');
    expect(translateParts('en', 'signin.signedInAs')).toEqual([
      { kind: 'text', text: 'Signed in as ' },
      { kind: 'param', name: 'name' },
      { kind: 'text', text: '.' },
    ]);
    expect(translate('zh-CN', wsErrorKey('rate_limited'))).toBe('发得太快了，请稍等几秒');
  });
});
