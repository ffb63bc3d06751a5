import nunjucks from 'nunjucks';
import { VIEWS_DIR } from '../paths.js';
import { LANGUAGES, catalogue, interpolate, isKey, translate, translateParts, type Lang, type Part } from '../shared/i18n.js';
import type { AppContext } from './context.js';
import { requestLanguage } from './language.js';

// Autoescape on: every value a template prints is HTML-escaped unless a template says otherwise.
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

env.addFilter('isodate', (ts: unknown) => (typeof ts === 'number' ? new Date(ts).toISOString() : ''));
// The server does not know the reader's time zone: UTC here, and the page redraws it in local time.
env.addFilter('clock', (ts: unknown) => (typeof ts === 'number' ? new Date(ts).toISOString().slice(11, 16) : ''));

/**
 * What every template gets for its language: `lang`, `t('key', { param })` (plain text, so
 * autoescape still applies), `tParts('key')` (the string cut at its placeholders, for a value that
 * needs markup of its own) and `languageSwitch` (the other languages, each with the link to it).
 */
function languageContext(lang: Lang) {
  const strings = catalogue(lang);
  return {
    lang,
    // An unknown key shows as itself rather than failing the page; test/i18n.test.ts checks them all.
    t: (key: unknown, params?: Record<string, unknown>): string => (isKey(key) ? interpolate(strings[key], params) : String(key)),
    tParts: (key: unknown): Part[] => (isKey(key) ? translateParts(lang, key) : [{ kind: 'text', text: String(key) }]),
    languageSwitch: LANGUAGES.filter((other) => other !== lang).map((other) => ({
      lang: other,
      name: translate(other, 'language.name'),
      href: `?lang=${other}`,
    })),
  };
}

/** Renders a view as the response body, in the request's language. */
export function render(ctx: AppContext, view: string, context: Record<string, unknown> = {}): void {
  ctx.type = 'html';
  ctx.body = env.render(view, { user: ctx.state.user, ...languageContext(requestLanguage(ctx)), ...context });
}
