import type { Next } from 'koa';
import { isLang, translate, type Key, type Lang, type ParamArgs } from '../shared/i18n/index.js';
import { pickLanguage } from './acceptLanguage.js';
import type { AppContext } from './context.js';

/** The cookie that remembers a language picked with `?lang=`; plain, since it is only a preference. */
export const LANG_COOKIE = 'lang';
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function queryLanguage(ctx: AppContext): Lang | undefined {
  const value = ctx.query.lang;
  return isLang(value) ? value : undefined;
}

/** The request's language without side effects: `?lang=`, else the `lang` cookie, else `Accept-Language`. */
export function chooseLanguage(ctx: AppContext): Lang {
  const cookie = ctx.cookies.get(LANG_COOKIE, { signed: false });
  return queryLanguage(ctx) ?? (isLang(cookie) ? cookie : pickLanguage(ctx.get('Accept-Language')));
}

/**
 * Puts a `?lang=` choice in `ctx.state.lang` and remembers it in a cookie for a year, so the next
 * pages keep it; an invalid one is ignored. Otherwise the language is worked out when something is
 * first said to the reader (`requestLanguage`): a JSON sign-in that succeeds never needs it.
 */
export async function language(ctx: AppContext, next: Next): Promise<void> {
  const picked = queryLanguage(ctx);
  if (picked) {
    ctx.cookies.set(LANG_COOKIE, picked, {
      maxAge: YEAR_MS,
      path: '/',
      sameSite: 'lax',
      httpOnly: false,
      signed: false,
      secure: ctx.secure,
      overwrite: true,
    });
  }
  if (picked) ctx.state.lang = picked;
  ctx.vary('Accept-Language');
  ctx.vary('Cookie');
  await next();
}

/** The language to answer in (chosen once per request), also for errors thrown before the `language` middleware ran. */
export function requestLanguage(ctx: AppContext): Lang {
  return (ctx.state.lang ??= chooseLanguage(ctx));
}

/** A catalogue string in the request's language. */
export function t<K extends Key>(ctx: AppContext, key: K, ...params: ParamArgs<K>): string {
  return translate(requestLanguage(ctx), key, ...params);
}

/** What a localized error carries, so `errorResponses` answers it in the reader's language. */
export interface Localized {
  key: Key;
  params?: Record<string, string | number>;
}

/**
 * Throws an HTTP error whose message is a catalogue string: English in the error itself (for
 * logs), translated for the reader when it is answered.
 */
export function fail<K extends Key>(ctx: AppContext, status: number, key: K, ...[params]: ParamArgs<K>): never {
  return failWith(ctx, status, {}, key, ...([params] as ParamArgs<K>));
}

/** As `fail`, with `more` fields in the answer to a JSON client (`{"code":1,"error",…more}`): what a page can act on. */
export function failWith<K extends Key>(ctx: AppContext, status: number, more: Record<string, unknown>, key: K, ...[params]: ParamArgs<K>): never {
  const localized: Localized = { key, ...(params ? { params } : {}) };
  return ctx.throw(status, translate('en', key, ...([params] as ParamArgs<K>)), { i18n: localized, more });
}
