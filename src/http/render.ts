import nunjucks from 'nunjucks';
import { VIEWS_DIR } from '../paths.js';
import { LANGUAGES, catalogue, interpolate, isKey, translate, translateParts, type Lang, type Part } from '../shared/i18n.js';
import type { StoredMessage, User } from '../shared/protocol.js';
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

/** One message through `_message.njk`'s macro, the same markup the chat page's <template> has. */
const oneMessage = new nunjucks.Template('{% from "_message.njk" import message %}{{ message(m, me) }}', env, '_one-message.njk');

/** How many messages' markup is kept; the oldest kept goes first. */
const RENDERED_LIMIT = 1000;
const rendered = new Map<number, string>();

/**
 * The markup of a list of messages, for `me`. A message never changes (nor its author's name), and
 * its markup depends on the reader only by the `mine` class, so it is rendered once and kept for
 * every reader but its author: the chat page's latest messages cost a lookup each, not a render.
 */
export function renderMessages(messages: readonly StoredMessage[], me: User): nunjucks.runtime.SafeString {
  let html = '';
  for (const m of messages) {
    if (m.user.id === me.id) {
      html += oneMessage.render({ m, me });
      continue;
    }
    let markup = rendered.get(m.id);
    if (markup === undefined) {
      markup = oneMessage.render({ m, me: null });
      if (rendered.size >= RENDERED_LIMIT) rendered.delete(rendered.keys().next().value as number);
      rendered.set(m.id, markup);
    }
    html += markup;
  }
  return new nunjucks.runtime.SafeString(html);
}

/** Renders a view as the response body, in the request's language. */
export function render(ctx: AppContext, view: string, context: Record<string, unknown> = {}): void {
  ctx.type = 'html';
  ctx.body = env.render(view, { user: ctx.state.user, ...languageContext(requestLanguage(ctx)), ...context });
}
