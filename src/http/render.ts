import { randomUUID } from 'node:crypto';
import nunjucks from 'nunjucks';
import { VIEWS_DIR } from '../paths.js';
import { LANGUAGES, catalogue, interpolate, isKey, translate, translateParts, type Lang, type Part } from '../shared/i18n/index.js';
import type { StoredMessage, User } from '../shared/protocol/index.js';
import type { Assets } from './assets.js';
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

// Bare names until the app has hashed its files (linkAssets).
env.addGlobal('asset', (file: unknown) => `/static/${String(file)}`);

/** Pages link static files as `asset('app.js')`: the address with the file's content hash (assets.ts). */
export function linkAssets(assets: Assets): void {
  env.addGlobal('asset', (file: unknown) => assets.url(String(file)));
}

/** Nunjucks' way to read a template's macros, which its types leave out (synchronous with this loader). */
interface Exporting {
  getExported(done: (error: Error | null, exported: Record<string, unknown>) => void): void;
}

/** A template's macros, read once: a `{% from … import %}` in a page would run that file again on every render. */
function macrosOf(view: string): Record<string, unknown> {
  let macros: Record<string, unknown> = {};
  (env.getTemplate(view, true) as unknown as Exporting).getExported((error, exported) => {
    if (error) throw error;
    macros = exported;
  });
  return macros;
}

// Every page calls these as `avatar(user)` and `message(m, me)`; the markup stays in the .njk files.
for (const view of ['_avatar.njk', '_message.njk']) {
  for (const [name, macro] of Object.entries(macrosOf(view))) if (typeof macro === 'function') env.addGlobal(name, macro);
}

/** What every template gets for its language; the same object for every request in that language. */
interface LanguageContext {
  lang: Lang;
  /** `t('key', { param })`: plain text, so autoescape still applies. */
  t: (key: unknown, params?: Record<string, unknown>) => string;
  /** The string cut at its placeholders, for a value that needs markup of its own. */
  tParts: (key: unknown) => Part[];
  /** The other languages, each with the link to it. */
  languageSwitch: { lang: Lang; name: string; href: string }[];
}

function languageContext(lang: Lang): LanguageContext {
  const strings = catalogue(lang);
  return {
    lang,
    // An unknown key shows as itself rather than failing the page; test/shared/i18n.test.ts checks them all.
    t: (key, params) => (isKey(key) ? interpolate(strings[key], params) : String(key)),
    tParts: (key) => (isKey(key) ? translateParts(lang, key) : [{ kind: 'text', text: String(key) }]),
    languageSwitch: LANGUAGES.filter((other) => other !== lang).map((other) => ({
      lang: other,
      name: translate(other, 'language.name'),
      href: `?lang=${other}`,
    })),
  };
}

const languageContexts = new Map<Lang, LanguageContext>(LANGUAGES.map((lang) => [lang, languageContext(lang)]));

/** One message through `_message.njk`'s macro, the same markup the chat page's <template> has. */
const oneMessage = new nunjucks.Template("{{ message(m, me, t('user.deleted'), t('message.deleted')) }}", env, '_one-message.njk');

/** How many messages' markup is kept; the oldest kept goes first. */
const RENDERED_LIMIT = 1000;
/** Each kept message's markup, with the author's name and the state it was made with (a rename or a change makes it stale). */
const rendered = new Map<number, { name: string; version: string; ts: number; data: string; bytes: Buffer }>();
const encoder = new TextEncoder();

/** UTF-8 in memory of its own: a small `Buffer.from` is a slice of a shared 8 KiB pool, kept whole while kept. */
function ownBytes(text: string): Buffer {
  const encoded = encoder.encode(text);
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/**
 * What a message's markup shows that can change after it was sent: its own changes (edits, deletion,
 * reactions: each a new `change`), the quote of the message it answers (which changes with that one)
 * and the names of those who reacted (a rename is no change of the message).
 */
function versionOf(m: StoredMessage): string {
  const quote = m.replyTo;
  const reactors = (m.reactions ?? []).map((reaction) => reaction.users.map((user) => user.name).join('\u0000')).join('\u0001');
  return `${m.change ?? 0}${quote ? `:${quote.deleted ? '-' : quote.user.name}:${quote.data}` : ''}${reactors === '' ? '' : `:${reactors}`}`;
}

/**
 * One message's markup as UTF-8, for `me`. Its markup depends on the reader only by the `mine` class,
 * so it is rendered and encoded once and kept for every reader but its author, until its author's
 * name changes (a rename, docs/protocol.md "Your account") or the message does (`versionOf`): the chat
 * page's latest messages cost a lookup each, not a render. A deleted author's messages and deleted
 * messages say so in the reader's language, so they are rendered for each page (they are few).
 */
function messageBytes(m: StoredMessage, me: User, language: LanguageContext): Buffer {
  if (m.user.id === me.id || m.user.deleted || m.deleted) return Buffer.from(oneMessage.render({ m, me, ...language }));
  const kept = rendered.get(m.id);
  const version = versionOf(m);
  // Its time and text too: servers that share a process (tests) number their messages from 1 each.
  if (kept !== undefined && kept.name === m.user.name && kept.version === version && kept.ts === m.ts && kept.data === m.data) return kept.bytes;
  const bytes = ownBytes(oneMessage.render({ m, me: null, ...language }));
  if (kept === undefined && rendered.size >= RENDERED_LIMIT) rendered.delete(rendered.keys().next().value as number);
  rendered.set(m.id, { name: m.user.name, version, ts: m.ts, data: m.data, bytes });
  return bytes;
}

/**
 * Where a page's messages go until their bytes are put in. Autoescape turns every `<` in people's
 * text into `&lt;`, so only a template can print this (and the id makes it one of a kind anyway).
 */
const MESSAGES_SLOT = `<!--messages ${randomUUID()}-->`;

function renderToString(ctx: AppContext, view: string, context: Record<string, unknown>): string {
  return env.render(view, { user: ctx.state.user, ...languageContexts.get(requestLanguage(ctx)), ...context });
}

/**
 * Renders a view as the response body, in the request's language. The body is bytes, encoded once:
 * a string body is measured for Content-Length and then encoded again on the way out.
 */
export function render(ctx: AppContext, view: string, context: Record<string, unknown> = {}): void {
  ctx.type = 'html';
  ctx.body = Buffer.from(renderToString(ctx, view, context));
}

/**
 * As `render`, for a view that prints `{{ renderedMessages }}`: there go `messages`, as `me` sees them.
 * The page is rendered around a slot and the messages' cached bytes are copied in, so a page of 50
 * messages costs 50 lookups and one copy, not 50 renders and a re-encoding of all of them.
 */
export function renderWithMessages(
  ctx: AppContext,
  view: string,
  context: Record<string, unknown>,
  messages: readonly StoredMessage[],
  me: User,
): void {
  const html = renderToString(ctx, view, { ...context, messages, renderedMessages: new nunjucks.runtime.SafeString(MESSAGES_SLOT) });
  const at = html.indexOf(MESSAGES_SLOT);
  if (at === -1) throw new Error(`${view} does not print renderedMessages`);
  const parts: Buffer[] = [Buffer.from(html.slice(0, at))];
  const language = languageContexts.get(requestLanguage(ctx)) as LanguageContext;
  for (const m of messages) parts.push(messageBytes(m, me, language));
  parts.push(Buffer.from(html.slice(at + MESSAGES_SLOT.length)));
  ctx.type = 'html';
  ctx.body = Buffer.concat(parts);
}
