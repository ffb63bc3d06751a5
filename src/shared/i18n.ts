// The one catalogue of every string the site shows people, in both of its languages. Shared by the
// server (Nunjucks pages, error messages) and the browser bundle: no Node or DOM imports here.
//
// Strings are plain text with `{name}` placeholders. `translate` inserts params as text too; escaping
// is the template's (autoescape) or the DOM's (textContent) job, never this file's.
import type { ErrorCode } from './protocol.js';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** When the request states no language at all (no `Accept-Language`, or only `*`): the site's own. */
export const DEFAULT_LANGUAGE: Lang = 'zh-CN';
/** When it names languages but none of ours (say `fr`): English is the likelier second language. */
export const FALLBACK_LANGUAGE: Lang = 'en';

const en = {
  // The site and page titles
  'app.name': 'Chat',
  'title.room': '#{room} · Chat',
  'title.dm': '@{name} · Chat',
  'title.unread': '({count}) {title}',
  'title.signin': 'Sign in · Chat',
  'title.error': '{status} · Chat',

  // The language switch: `language.name` is each language's name in itself
  'language.label': 'Language',
  'language.name': 'English',

  // Connection status in the top bar
  'status.connecting': 'Connecting…',
  'status.online': 'Connected',
  'status.signedOut': 'Signed out',
  'status.waiting': 'Offline — reconnecting in {seconds} s',
  'status.retry': 'Retry now',
  'action.signOut': 'Sign out',
  'action.signOutEverywhere': 'Sign out everywhere',
  'action.close': 'Close',

  // Sidebar
  'sidebar.label': 'Rooms and people',
  'sidebar.rooms': 'Rooms',
  'sidebar.dms': 'Direct messages',
  'sidebar.online': 'Online',
  'users.you': '(you)',
  'users.ambiguous': 'Several people are called {name}: pick one',
  'users.messageTitle': 'Message {name}',
  'people.find': 'Find someone here',
  'people.bigRoom': 'Too many people to list: search by name',
  'people.none': 'Nobody here by that name',
  'people.notFound': 'Could not tell who that is: your message was not sent',
  'dm.sentPrivately': 'Sent privately to {name}',
  'rooms.peopleHere': 'people here',
  'rooms.newName': 'New room name',
  'rooms.newPlaceholder': 'new-room',
  'rooms.create': 'Create',
  'rooms.createOffline': 'Could not create the room: are you online?',
  'rooms.badName': 'A room name is 1 to {max} letters, digits, - or _',
  'rooms.exists': 'A room called “{name}” exists already',
  'room.leave': 'Leave room',

  // The conversation
  'messages.older': 'Load older messages',
  'messages.empty': 'No messages yet. Say hello!',
  'messages.newDivider': 'New messages',
  'messages.jumpToLatest': 'Jump to the latest',
  'message.sending': 'sending…',
  'message.failed': 'Not sent',
  'unread.mentionOne': '1 mention',
  'unread.mentionMany': '{count} mentions',
  'notice.joined': '{name} joined',
  'notice.left': '{name} left',
  'typing.one': '{name} is typing…',
  'typing.two': '{a} and {b} are typing…',
  'typing.many': 'Several people are typing…',
  'date.today': 'Today',
  'date.yesterday': 'Yesterday',

  // The composer
  'composer.label': 'Message',
  'composer.placeholderRoom': 'Message #{room}',
  'composer.placeholderDm': 'Message @{name}',
  'composer.send': 'Send',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',

  // Search
  'search.label': 'Search messages',
  'search.none': 'No results',
  'search.resultsFor': 'Search results for “{q}”',

  // Notifications
  'notify.enable': 'Enable notifications',
  'notify.on': 'Notifications on',
  'notify.newMessage': 'New message from {name}',
  'notify.mention': '{name} mentioned you in #{room}',

  // The sign-in page
  'signin.lead': 'Pick a name to join the conversation. No password, no e-mail.',
  'signin.nameLabel': 'Your name',
  'signin.submit': 'Enter the chat',
  'signin.signedInAs': 'Signed in as {name}.',
  'signin.badName': 'A name is 1 to {max} characters, with no control characters',
  'signin.tooMany': 'Too many sign-ins from your address: try again in a minute',
  /** A prefilled guest name; `{id}` is a number in English, a heavenly stem (甲乙丙…) in Chinese. */
  'guest.name': 'Guest {id}',

  // Error pages and API errors
  'nav.backToChat': 'Back to the chat',
  'error.badRequest': 'Bad request',
  'error.signInFirst': 'Sign in first',
  'error.forbidden': 'You are not allowed to do that',
  'error.otherSite': 'Requests from other sites are not allowed',
  'error.notFound': 'Not found',
  'error.methodNotAllowed': 'That method is not allowed here',
  'error.readOnly': 'Static files are read-only',
  'error.tooLarge': 'That request is too large',
  'error.unsupportedType': 'That kind of request body is not supported',
  'error.tooMany': 'Too many requests: try again in a moment',
  'error.server': 'Something went wrong on our side',

  // WebSocket `error` codes, for the client to show instead of the server's English `message`
  'wsError.bad_message': 'The server could not read that message',
  'wsError.unknown_type': 'The server does not know that kind of message',
  'wsError.empty': 'Write something first',
  'wsError.too_long': 'That message is too long',
  'wsError.no_such_room': 'That room does not exist',
  'wsError.not_in_room': 'Join the room first',
  'wsError.no_such_user': 'There is no such person',
  'wsError.rate_limited': 'Too many messages: wait a few seconds',
} as const;

export type Key = keyof typeof en;

// `satisfies`: a key missing here, or one English lacks, is a compile error.
const zh = {
  'app.name': '聊天室',
  'title.room': '#{room} · 聊天室',
  'title.dm': '@{name} · 聊天室',
  'title.unread': '({count}) {title}',
  'title.signin': '登录 · 聊天室',
  'title.error': '{status} · 聊天室',

  'language.label': '语言',
  'language.name': '中文',

  'status.connecting': '正在连接…',
  'status.online': '已连接',
  'status.signedOut': '已退出登录',
  'status.waiting': '连接已断开，{seconds} 秒后重连',
  'status.retry': '立即重连',
  'action.signOut': '退出登录',
  'action.signOutEverywhere': '退出所有设备',
  'action.close': '关闭',

  'sidebar.label': '房间和成员',
  'sidebar.rooms': '房间',
  'sidebar.dms': '私信',
  'sidebar.online': '在线',
  'users.you': '（我）',
  'users.ambiguous': '有好几个人叫 {name}，请选一位',
  'users.messageTitle': '给 {name} 发私信',
  'people.find': '查找这里的人',
  'people.bigRoom': '人太多，无法全部列出：请按名字查找',
  'people.none': '这里没有叫这个名字的人',
  'people.notFound': '没能确认这是谁，消息没有发出',
  'dm.sentPrivately': '已私信发给 {name}',
  'rooms.peopleHere': '当前人数',
  'rooms.newName': '新房间名称',
  'rooms.newPlaceholder': '新房间',
  'rooms.create': '创建',
  'rooms.createOffline': '无法创建房间：网络连上了吗？',
  'rooms.badName': '房间名须为 1 到 {max} 个字符，只能包含文字、数字、- 和 _',
  'rooms.exists': '已经有名为“{name}”的房间了',
  'room.leave': '离开房间',

  'messages.older': '加载更早的消息',
  'messages.empty': '还没有消息，来打个招呼吧！',
  'messages.newDivider': '以下是新消息',
  'messages.jumpToLatest': '回到最新消息',
  'message.sending': '发送中…',
  'message.failed': '发送失败',
  'unread.mentionOne': '有 1 条消息提到你',
  'unread.mentionMany': '有 {count} 条消息提到你',
  'notice.joined': '{name} 进入了房间',
  'notice.left': '{name} 离开了房间',
  'typing.one': '{name} 正在输入…',
  'typing.two': '{a} 和 {b} 正在输入…',
  'typing.many': '好几个人正在输入…',
  'date.today': '今天',
  'date.yesterday': '昨天',

  'composer.label': '消息',
  'composer.placeholderRoom': '发消息到 #{room}',
  'composer.placeholderDm': '发消息给 @{name}',
  'composer.send': '发送',
  'composer.hint': 'Enter 发送 · Shift+Enter 换行',

  'search.label': '搜索消息',
  'search.none': '没有找到相关消息',
  'search.resultsFor': '“{q}”的搜索结果',

  'notify.enable': '开启桌面通知',
  'notify.on': '通知已开启',
  'notify.newMessage': '{name} 发来一条新消息',
  'notify.mention': '{name} 在 #{room} 提到了你',

  'signin.lead': '起个名字就能加入聊天，无需密码，也不用邮箱。',
  'signin.nameLabel': '你的名字',
  'signin.submit': '进入聊天室',
  'signin.signedInAs': '当前身份：{name}。',
  'signin.badName': '名字须为 1 到 {max} 个字符，且不能包含控制字符',
  'signin.tooMany': '你所在的网络登录次数过多，请一分钟后再试',
  'guest.name': '路人{id}',

  'nav.backToChat': '返回聊天室',
  'error.badRequest': '请求有误',
  'error.signInFirst': '请先登录',
  'error.forbidden': '你没有权限这样做',
  'error.otherSite': '不接受来自其他网站的请求',
  'error.notFound': '找不到该页面',
  'error.methodNotAllowed': '这里不支持该请求方法',
  'error.readOnly': '静态文件是只读的',
  'error.tooLarge': '请求内容太大了',
  'error.unsupportedType': '不支持这种请求格式',
  'error.tooMany': '请求太频繁了，请稍后再试',
  'error.server': '服务器出了点问题',

  'wsError.bad_message': '服务器无法识别这条消息',
  'wsError.unknown_type': '服务器不认识这种消息',
  'wsError.empty': '消息不能为空',
  'wsError.too_long': '消息太长了',
  'wsError.no_such_room': '这个房间不存在',
  'wsError.not_in_room': '请先加入这个房间',
  'wsError.no_such_user': '找不到这个人',
  'wsError.rate_limited': '发得太快了，请稍等几秒',
} as const satisfies Record<Key, string>;

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
