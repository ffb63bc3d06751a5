// The edge of the protocol: one client text frame in, a typed message or the error to answer out.
// Every rule a frame's shape must follow is here; what a message may *do* is the server's to check.
import { translate, type Key, type ParamArgs } from '../i18n/index.js';
import { MAX_EMOJI_LENGTH, MAX_HISTORY_LIMIT, MAX_PEOPLE_QUERY_LENGTH, MAX_REF_LENGTH } from './limits.js';
import { hasInvisibleInEmoji, isBlank } from './invisible.js';
import { LOBBY, codePointLength } from './names.js';
import type { ClientMessage, ErrorCode } from './types.js';

export interface ParseLimits {
  maxMessageLength: number;
}

export type Parsed =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string; ref?: string };

class Rejection {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

/** Refuses the frame: `key` names the catalogue's English text for it (see `wsError.*` in i18n). */
function reject<K extends Key>(code: ErrorCode, key: K, ...params: ParamArgs<K>): never {
  throw new Rejection(code, translate('en', key, ...params));
}

type Fields = Record<string, unknown>;

function requiredString(fields: Fields, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string') reject('bad_message', 'wsError.bad_message.string', { field: key });
  return value;
}

function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') reject('bad_message', 'wsError.bad_message.string', { field: key });
  return value;
}

function optionalId(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    reject('bad_message', 'wsError.bad_message.id', { field: key });
  }
  return value;
}

function requiredId(fields: Fields, key: string): number {
  const value = optionalId(fields, key);
  if (value === undefined) reject('bad_message', 'wsError.bad_message.id', { field: key });
  return value;
}

/** Exactly one of `room` (a room name) and `with` (a user id): what a history, typing or read is about. */
function roomOrWith(fields: Fields, type: string): { room: string } | { with: string } {
  const room = optionalString(fields, 'room');
  const other = optionalString(fields, 'with');
  if ((room === undefined) === (other === undefined)) reject('bad_message', 'wsError.bad_message.roomOrWith', { type });
  return room !== undefined ? { room } : { with: other as string };
}

// A lone surrogate (half of a UTF-16 pair, which JSON can carry as `\ud800`) has no UTF-8 form:
// SQLite would keep it as three U+FFFD, so history would differ from what was delivered live. NUL
// (`\u0000`) is valid UTF-8, but PostgreSQL's text cannot hold it: it would refuse the message.
const UNSTORABLE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/g;

function text(fields: Fields, limits: ParseLimits): string {
  // Each lone surrogate becomes U+FFFD, as any UTF-8 encoder makes it, and so does each NUL: one
  // character either way, and what every store keeps as it is.
  const data = requiredString(fields, 'data').replace(UNSTORABLE, '\ufffd').trim();
  // Only white space and characters that show nothing (a zero-width space, a bidi mark): nothing to read.
  if (isBlank(data)) reject('empty', 'wsError.empty.message');
  if (codePointLength(data) > limits.maxMessageLength) {
    reject('too_long', 'wsError.too_long.message', { max: limits.maxMessageLength });
  }
  return data;
}

/** A reaction: trimmed, 1 to MAX_EMOJI_LENGTH grapheme clusters, nothing invisible (a joiner or selector inside an emoji is fine). */
function emoji(fields: Fields): string {
  const value = requiredString(fields, 'emoji').trim();
  if (isBlank(value)) reject('empty', 'wsError.empty.emoji');
  // At most MAX code units is at most MAX characters: only longer ones are segmented (Intl.Segmenter is slow).
  if (value.length > MAX_EMOJI_LENGTH && graphemes(value) > MAX_EMOJI_LENGTH) reject('too_long', 'wsError.too_long.emoji', { max: MAX_EMOJI_LENGTH });
  if (hasInvisibleInEmoji(value)) reject('bad_message', 'wsError.bad_message.emoji');
  return value;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

function historyLimit(fields: Fields): number | undefined {
  const value = fields.limit;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    reject('bad_message', 'wsError.bad_message.limit', { max: MAX_HISTORY_LIMIT });
  }
  return Math.min(value, MAX_HISTORY_LIMIT);
}

function readRef(fields: Fields): string | undefined {
  const ref = fields.ref;
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string' || ref.length > MAX_REF_LENGTH) {
    reject('bad_message', 'wsError.bad_message.ref', { max: MAX_REF_LENGTH });
  }
  return ref;
}

function withRef<T extends object>(message: T, ref: string | undefined): T & { ref?: string } {
  return ref === undefined ? message : { ...message, ref };
}

function fromFields(fields: Fields, ref: string | undefined, limits: ParseLimits): ClientMessage {
  const type = fields.type;
  if (typeof type !== 'string') reject('bad_message', 'wsError.bad_message.string', { field: 'type' });
  switch (type) {
    case 'chat': {
      const data = text(fields, limits);
      const replyTo = optionalId(fields, 'replyTo');
      return withRef({ type, room: optionalString(fields, 'room') ?? LOBBY, data, ...(replyTo !== undefined && { replyTo }) }, ref);
    }
    case 'dm': {
      const to = requiredString(fields, 'to');
      const data = text(fields, limits);
      const replyTo = optionalId(fields, 'replyTo');
      return withRef({ type, to, data, ...(replyTo !== undefined && { replyTo }) }, ref);
    }
    case 'join': {
      const room = requiredString(fields, 'room');
      const since = optionalId(fields, 'since');
      const changes = since === undefined ? undefined : optionalId(fields, 'changes');
      if (fields.again !== undefined && fields.again !== true) reject('bad_message', 'wsError.bad_message.again');
      const again = fields.again === true;
      return withRef({ type, room, ...(since !== undefined && { since }), ...(changes !== undefined && { changes }), ...(again && { again }) }, ref);
    }
    case 'leave':
      return withRef({ type, room: requiredString(fields, 'room') }, ref);
    case 'history': {
      const about = roomOrWith(fields, type);
      const page: { before?: number; limit?: number } = {};
      const before = optionalId(fields, 'before');
      const limit = historyLimit(fields);
      if (before !== undefined) page.before = before;
      if (limit !== undefined) page.limit = limit;
      return withRef({ type, ...about, ...page }, ref);
    }
    case 'typing':
      // Only `true` means stopped: anything else is the contract's plain "typing".
      return withRef({ type, ...roomOrWith(fields, type), ...(fields.stopped === true && { stopped: true as const }) }, ref);
    case 'read': {
      const about = roomOrWith(fields, type);
      return withRef({ type, ...about, id: requiredId(fields, 'id') }, ref);
    }
    case 'people': {
      const room = requiredString(fields, 'room');
      const q = requiredString(fields, 'q').trim();
      if (q.length === 0) reject('empty', 'wsError.empty.people');
      if (codePointLength(q) > MAX_PEOPLE_QUERY_LENGTH) reject('too_long', 'wsError.too_long.people', { max: MAX_PEOPLE_QUERY_LENGTH });
      return withRef({ type, room, q }, ref);
    }
    case 'delete':
      return withRef({ type, id: requiredId(fields, 'id') }, ref);
    case 'edit': {
      const id = requiredId(fields, 'id');
      return withRef({ type, id, data: text(fields, limits) }, ref);
    }
    case 'react': {
      const id = requiredId(fields, 'id');
      return withRef({ type, id, emoji: emoji(fields) }, ref);
    }
    case 'ping':
      return withRef({ type }, ref);
    case 'invite': {
      const room = requiredString(fields, 'room');
      const user = optionalString(fields, 'user');
      const name = optionalString(fields, 'name');
      if ((user === undefined) === (name === undefined)) reject('bad_message', 'wsError.bad_message.userOrName', { type });
      return withRef(user !== undefined ? { type, room, user } : { type, room, name: name as string }, ref);
    }
    case 'remove':
      return withRef({ type, room: requiredString(fields, 'room'), user: requiredString(fields, 'user') }, ref);
    default:
      return reject('unknown_type', 'wsError.unknown_type.named', { type: type.slice(0, 32) });
  }
}

/**
 * Validates one text frame at the edge and hands back a typed message, or the error to answer
 * with. A frame that is not JSON is a chat to the lobby, so `ws.send('hello')` works.
 */
export function parseClientMessage(frame: string, limits: ParseLimits): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    value = { type: 'chat', room: LOBBY, data: frame };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'bad_message', message: translate('en', 'wsError.bad_message.object') };
  }
  const fields = value as Fields;
  let ref: string | undefined;
  try {
    ref = readRef(fields);
    return { ok: true, message: fromFields(fields, ref, limits) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return ref === undefined
      ? { ok: false, code: error.code, message: error.message }
      : { ok: false, code: error.code, message: error.message, ref };
  }
}
