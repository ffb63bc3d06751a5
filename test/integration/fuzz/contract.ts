// The fuzz run's contract, written out independently of src/: the limits the fuzzed server runs
// with, the shape of every server → client message (docs/protocol.md §4 and the extensions), and
// which texts a fuzzer frame may, by the contract, get delivered.
import { MAX_REF_LENGTH, codePointLength, isBlank, type User } from '../../../src/shared/protocol/index.js';

/** The server's MAX_FRAME_BYTES for the run: small, so oversized frames are cheap to make. */
export const MAX_FRAME_BYTES = 8192;
/** The server's MAX_MESSAGE_LENGTH (the default). */
export const MAX_MESSAGE_LENGTH = 2000;

const CONTRACT_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long', 'no_such_room', 'not_in_room', 'no_such_user', 'rate_limited'];

/** What a message may carry of its mentions and changes (the extensions of issues 15 and 16). */
const MESSAGE_STATE = ['mentions', 'editedAt', 'deleted', 'reactions', 'replyTo', 'change'];

/** Top-level fields of every server → client type (docs/protocol.md §4 and its extensions): required, then optional. */
const SERVER_FIELDS: Record<string, { required: string[]; optional: string[]; about?: true }> = {
  // `change` (issue 16): the site's change number when the page was read.
  history: { required: ['type', 'data'], optional: ['before', 'change'], about: true },
  list: { required: ['type', 'room', 'data'], optional: [] },
  join: { required: ['type', 'room', 'user', 'data'], optional: [] },
  left: { required: ['type', 'room', 'user', 'data'], optional: [] },
  chat: { required: ['type', 'id', 'ts', 'room', 'user', 'data'], optional: ['ref', ...MESSAGE_STATE] },
  dm: { required: ['type', 'id', 'ts', 'user', 'to', 'data'], optional: ['ref', ...MESSAGE_STATE] },
  rooms: { required: ['type', 'data'], optional: [] },
  error: { required: ['type', 'data'], optional: ['ref'] },
  typing: { required: ['type', 'user'], optional: [], about: true },
  read: { required: ['type', 'id'], optional: [], about: true },
  unread: { required: ['type', 'data'], optional: [] },
};

/** What is wrong with the shape of a server message; empty when nothing is. */
export function shapeProblems(message: unknown): string[] {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return ['not an object'];
  const fields = message as Record<string, unknown>;
  const shape = typeof fields.type === 'string' ? SERVER_FIELDS[fields.type] : undefined;
  if (!shape) return [`unknown type ${JSON.stringify(fields.type)}`];
  const problems: string[] = [];
  const keys = Object.keys(fields);
  const allowed = [...shape.required, ...shape.optional, ...(shape.about ? ['room', 'with'] : [])];
  for (const key of shape.required) if (!keys.includes(key)) problems.push(`missing "${key}"`);
  for (const key of keys) if (!allowed.includes(key)) problems.push(`unexpected "${key}"`);
  if (shape.about && ('room' in fields ? 1 : 0) + ('with' in fields ? 1 : 0) !== 1) problems.push('not exactly one of room/with');
  for (const key of ['user', 'to']) if (key in fields && !isUser(fields[key])) problems.push(`"${key}" is not a user`);
  if (fields.type === 'error') {
    const data = fields.data as { code?: unknown; message?: unknown } | null;
    if (typeof data !== 'object' || data === null || Object.keys(data).sort().join() !== 'code,message') problems.push('error data');
    else if (!CONTRACT_CODES.includes(data.code as string) || typeof data.message !== 'string') problems.push(`error ${String(data.code)}`);
  }
  return problems;
}

function isUser(value: unknown): value is User {
  if (typeof value !== 'object' || value === null) return false;
  const user = value as Record<string, unknown>;
  return Object.keys(user).sort().join() === 'id,image,name' && typeof user.id === 'string' && typeof user.name === 'string';
}

/** A lone surrogate, which UTF-8 cannot carry, or NUL, which PostgreSQL's text cannot hold. */
const UNSTORABLE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/g;

/** What the server makes of a text before storing it: each lone surrogate and each NUL becomes U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

function own(value: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The text a text frame carries if, by the contract, it is a `chat` or `dm` whose fields are valid
 * (whether its room or recipient exists is the server's to decide): the only texts of the fuzzer
 * that may ever reach anyone.
 */
export function validTextOf(frame: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    value = { type: 'chat', data: frame };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = own(value, 'type');
  const data = own(value, 'data');
  const ref = own(value, 'ref');
  if (type !== 'chat' && type !== 'dm') return undefined;
  if (typeof data !== 'string') return undefined;
  if (ref !== undefined && (typeof ref !== 'string' || ref.length > MAX_REF_LENGTH)) return undefined;
  if (type === 'chat' && own(value, 'room') !== undefined && typeof own(value, 'room') !== 'string') return undefined;
  if (type === 'dm' && typeof own(value, 'to') !== 'string') return undefined;
  const text = wellFormed(data).trim();
  if (isBlank(text) || codePointLength(text) > MAX_MESSAGE_LENGTH) return undefined;
  return text;
}
