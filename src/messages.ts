import {
  LOBBY,
  MAX_HISTORY_LIMIT,
  MAX_PEOPLE_QUERY_LENGTH,
  MAX_REF_LENGTH,
  codePointLength,
  type ClientMessage,
  type ErrorCode,
} from './shared/protocol.js';

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

function reject(code: ErrorCode, message: string): never {
  throw new Rejection(code, message);
}

type Fields = Record<string, unknown>;

function requiredString(fields: Fields, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string') reject('bad_message', `"${key}" must be a string`);
  return value;
}

function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') reject('bad_message', `"${key}" must be a string`);
  return value;
}

function optionalId(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    reject('bad_message', `"${key}" must be a message id (a whole number)`);
  }
  return value;
}

function requiredId(fields: Fields, key: string): number {
  const value = optionalId(fields, key);
  if (value === undefined) reject('bad_message', `"${key}" must be a message id (a whole number)`);
  return value;
}

/** Exactly one of `room` (a room name) and `with` (a user id): what a history, typing or read is about. */
function roomOrWith(fields: Fields, type: string): { room: string } | { with: string } {
  const room = optionalString(fields, 'room');
  const other = optionalString(fields, 'with');
  if ((room === undefined) === (other === undefined)) reject('bad_message', `${type} needs either "room" or "with"`);
  return room !== undefined ? { room } : { with: other as string };
}

// A lone surrogate (half of a UTF-16 pair, which JSON can carry as `\ud800`) has no UTF-8 form:
// SQLite would keep it as three U+FFFD, so history would differ from what was delivered live.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function text(fields: Fields, limits: ParseLimits): string {
  // Each lone surrogate becomes U+FFFD, as any UTF-8 encoder makes it: one character either way.
  const data = requiredString(fields, 'data').replace(LONE_SURROGATE, '\ufffd').trim();
  if (data.length === 0) reject('empty', 'The message is empty');
  if (codePointLength(data) > limits.maxMessageLength) {
    reject('too_long', `A message may have at most ${limits.maxMessageLength} characters`);
  }
  return data;
}

function historyLimit(fields: Fields): number | undefined {
  const value = fields.limit;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    reject('bad_message', '"limit" must be a whole number from 1 to 100');
  }
  return Math.min(value, MAX_HISTORY_LIMIT);
}

function readRef(fields: Fields): string | undefined {
  const ref = fields.ref;
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string' || ref.length > MAX_REF_LENGTH) {
    reject('bad_message', `"ref" must be a string of at most ${MAX_REF_LENGTH} characters`);
  }
  return ref;
}

function withRef<T extends object>(message: T, ref: string | undefined): T & { ref?: string } {
  return ref === undefined ? message : { ...message, ref };
}

function fromFields(fields: Fields, ref: string | undefined, limits: ParseLimits): ClientMessage {
  const type = fields.type;
  if (typeof type !== 'string') reject('bad_message', '"type" must be a string');
  switch (type) {
    case 'chat': {
      const data = text(fields, limits);
      return withRef({ type, room: optionalString(fields, 'room') ?? LOBBY, data }, ref);
    }
    case 'dm': {
      const to = requiredString(fields, 'to');
      return withRef({ type, to, data: text(fields, limits) }, ref);
    }
    case 'join': {
      const room = requiredString(fields, 'room');
      const since = optionalId(fields, 'since');
      return withRef(since === undefined ? { type, room } : { type, room, since }, ref);
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
      return withRef({ type, ...roomOrWith(fields, type) }, ref);
    case 'read': {
      const about = roomOrWith(fields, type);
      return withRef({ type, ...about, id: requiredId(fields, 'id') }, ref);
    }
    case 'people': {
      const room = requiredString(fields, 'room');
      const q = requiredString(fields, 'q').trim();
      if (q.length === 0) reject('empty', 'Say whom to look for');
      if (codePointLength(q) > MAX_PEOPLE_QUERY_LENGTH) reject('too_long', `A search for people may have at most ${MAX_PEOPLE_QUERY_LENGTH} characters`);
      return withRef({ type, room, q }, ref);
    }
    default:
      return reject('unknown_type', `Unknown message type "${type.slice(0, 32)}"`);
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
    return { ok: false, code: 'bad_message', message: 'A message must be a JSON object' };
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
