// Choosing the language of a page from Accept-Language (src/http/acceptLanguage.ts), and which
// language tags the site knows.
import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../../src/http/acceptLanguage.js';
import { isLang } from '../../src/shared/i18n/index.js';

const ZH = 'zh-CN,zh;q=0.9';
const EN = 'en-US,en;q=0.9';

describe('Accept-Language', () => {
  it('picks a language from Accept-Language by q-value', () => {
    expect(pickLanguage(ZH)).toBe('zh-CN');
    expect(pickLanguage('zh-TW')).toBe('zh-CN');
    expect(pickLanguage(EN)).toBe('en');
    expect(pickLanguage('en-GB;q=0.5, zh-HK;q=0.8')).toBe('zh-CN');
    expect(pickLanguage('zh;q=0.5, en-GB;q=0.8')).toBe('en');
    expect(pickLanguage('fr-FR, de;q=0.9, zh;q=0.1')).toBe('zh-CN');
    expect(pickLanguage('en, zh')).toBe('en'); // a tie goes to the first
    // Only other languages: English; no preference at all: the site's default, Chinese.
    expect(pickLanguage('fr-FR,fr;q=0.9')).toBe('en');
    for (const none of [undefined, null, '', '*', '  ', '@@;;;', ',,', 'en;q=abc']) expect(pickLanguage(none)).toBe('zh-CN');
    expect(pickLanguage('zh;q=0, *')).toBe('en');
    expect(isLang('en')).toBe(true);
    expect(isLang('zh-CN')).toBe(true);
    for (const bad of ['xx', 'EN', 'zh', '', undefined, 1]) expect(isLang(bad)).toBe(false);
  });
});
