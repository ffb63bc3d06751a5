// The one catalogue of every string the site shows people, in both of its languages. Shared by the
// server (Nunjucks pages, error messages) and the browser bundle: no Node or DOM imports here.
//
// Strings are plain text with `{name}` placeholders. `translate` inserts params as text too; escaping
// is the template's (autoescape) or the DOM's (textContent) job, never this file's.
import type { ErrorCode } from '../protocol/types.js';
import { en } from './en.js';
import { zh } from './zh.js';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** When the request states no language at all (no `Accept-Language`, or only `*`): the site's own. */
export const DEFAULT_LANGUAGE: Lang = 'zh-CN';
/** When it names languages but none of ours (say `fr`): English is the likelier second language. */
export const FALLBACK_LANGUAGE: Lang = 'en';

export type Key = keyof typeof en;

const CATALOGUES: { readonly [L in Lang]: Readonly<Record<Key, string>> } = { 'zh-CN': zh, en };

/** The placeholder names of a catalogue string: `'{a} and {b}'` → `'a' | 'b'`. */
type ParamsOf<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamsOf<Rest> : never;
export type Params<K extends Key> = ParamsOf<(typeof en)[K]>;
export type ParamValues<K extends Key> = Record<Params<K>, string | number>;
/** `translate(lang, key)` for a plain string, `translate(lang, key, { name })` when it has placeholders. */
export type ParamArgs<K extends Key> = [Params<K>] extends [never] ? [params?: Record<string, never>] : [params: ParamValues<K>];

// Both languages must use the same placeholders for a key, or a translation would lose a value.
type Mismatched = {
  [K in Key]: [ParamsOf<(typeof en)[K]>] extends [ParamsOf<(typeof zh)[K]>]
    ? [ParamsOf<(typeof zh)[K]>] extends [ParamsOf<(typeof en)[K]>]
      ? never
      : K
    : K;
}[Key];
const placeholdersAgree: [Mismatched] extends [never] ? true : Mismatched = true;
void placeholdersAgree;

/** Every WebSocket error code has its message: `translate(lang, wsErrorKey(code))`. */
export function wsErrorKey(code: ErrorCode): `wsError.${ErrorCode}` & Key {
  return `wsError.${code}`;
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isKey(value: unknown): value is Key {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(en, value);
}

/** The whole catalogue of a language (for a template helper, or to look keys up by name). */
export function catalogue(lang: Lang): Readonly<Record<Key, string>> {
  return CATALOGUES[lang];
}

/** Fills `{name}` placeholders from params, as plain text; a placeholder without a value stays as it is. */
export function interpolate(text: string, params: Readonly<Record<string, unknown>> = {}): string {
  if (!text.includes('{')) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

/** The string for `key` in `lang`, with its placeholders filled in. */
export function translate<K extends Key>(lang: Lang, key: K, ...[params]: ParamArgs<K>): string {
  return interpolate(CATALOGUES[lang][key], params);
}

export type Part = { kind: 'text'; text: string } | { kind: 'param'; name: string };

/**
 * A string cut at its placeholders, for when a value needs markup of its own (a name in <strong>,
 * a link): the caller builds each part as text or as an element, so nothing is parsed as HTML.
 */
export function translateParts(lang: Lang, key: Key): Part[] {
  const parts: Part[] = [];
  const text = CATALOGUES[lang][key];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ kind: 'text', text: text.slice(last, index) });
    parts.push({ kind: 'param', name: match[1] ?? '' });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
