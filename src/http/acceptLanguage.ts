// Reading `Accept-Language`: server-only, so it lives here and not in the catalogue the browser loads.
import { DEFAULT_LANGUAGE, FALLBACK_LANGUAGE, LANGUAGES, type Lang } from '../shared/i18n/index.js';

function languageOfTag(tag: string): Lang | undefined {
  const primary = tag.split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/**
 * The best of our languages for an `Accept-Language` header: the highest q-value among `zh*`
 * (→ zh-CN) and `en*` (→ en), the earlier one on a tie. With no usable header, or only `*`, the
 * site's default (zh-CN); when the header names only other languages, English. A language refused
 * with `q=0` is not chosen by default either, unless both are.
 */
export function pickLanguage(header: string | null | undefined): Lang {
  let best: { lang: Lang; q: number } | undefined;
  let namesSomeLanguage = false;
  const refused = new Set<Lang>();
  for (const entry of (header ?? '').split(',')) {
    const [rawTag = '', ...attributes] = entry.split(';');
    const tag = rawTag.trim().toLowerCase();
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) continue;
    let q = 1;
    for (const attribute of attributes) {
      const match = /^\s*q\s*=\s*(\S*)\s*$/i.exec(attribute);
      if (match) q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(match[1] ?? '') ? Number(match[1]) : Number.NaN;
    }
    if (Number.isNaN(q)) continue;
    const lang = tag === '*' ? undefined : languageOfTag(tag);
    if (q === 0) {
      if (lang) refused.add(lang);
      continue;
    }
    if (tag === '*') continue;
    namesSomeLanguage = true;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  if (best) return best.lang;
  const first = namesSomeLanguage ? FALLBACK_LANGUAGE : DEFAULT_LANGUAGE;
  return [first, ...LANGUAGES].find((lang) => !refused.has(lang)) ?? first;
}
