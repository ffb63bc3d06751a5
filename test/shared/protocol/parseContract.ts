// The contract of the edge validator, `parseClientMessage` (docs/protocol.md §3 and §5), written out
// independently of src/: `check(frame)` parses a frame and checks everything its answer must satisfy
// (never a throw, either a message that keeps the contract's invariants or one of the contract's
// error codes, nothing added to Object.prototype). The property of ./parse.property.test.ts and of
// the round trips in ./parse.test.ts.
import fc from 'fast-check';
import { expect } from 'vitest';
import { parseClientMessage, type Parsed, type ParseLimits } from '../../../src/shared/protocol/index.js';
import { LOBBY, MAX_HISTORY_LIMIT, MAX_REF_LENGTH, codePointLength, isBlank, type ClientMessage } from '../../../src/shared/protocol/index.js';

// --- the contract, written out independently of src/ ----------------------------------------------

export const TYPES = ['chat', 'dm', 'join', 'leave', 'history', 'typing', 'read', 'people', 'delete', 'edit', 'react', 'ping', 'invite', 'remove'] as const;
/** Every error code of docs/protocol.md §5 … */
const CONTRACT_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long', 'no_such_room', 'not_in_room', 'no_such_user', 'rate_limited'];
/** … of which the edge can only know these: rooms, users and rates are the hub's to judge. */
const EDGE_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long'];

/** Top-level fields of each validated message; `about` = exactly one of `room` and `with`. */
const FIELDS: Record<(typeof TYPES)[number], { required: string[]; optional: string[]; about?: true }> = {
  chat: { required: ['type', 'room', 'data'], optional: ['ref', 'replyTo'] },
  dm: { required: ['type', 'to', 'data'], optional: ['ref', 'replyTo'] },
  join: { required: ['type', 'room'], optional: ['since', 'changes', 'ref'] },
  leave: { required: ['type', 'room'], optional: ['ref'] },
  history: { required: ['type'], optional: ['before', 'limit', 'ref'], about: true },
  typing: { required: ['type'], optional: ['ref'], about: true },
  read: { required: ['type', 'id'], optional: ['ref'], about: true },
  people: { required: ['type', 'room', 'q'], optional: ['ref'] },
  delete: { required: ['type', 'id'], optional: ['ref'] },
  edit: { required: ['type', 'id', 'data'], optional: ['ref'] },
  react: { required: ['type', 'id', 'emoji'], optional: ['ref'] },
  ping: { required: ['type'], optional: ['ref'] },
  // Exactly one of `user` and `name`, checked below.
  invite: { required: ['type', 'room'], optional: ['user', 'name', 'ref'] },
  remove: { required: ['type', 'room', 'user'], optional: ['ref'] },
};

const DEFAULT_LIMITS: ParseLimits = { maxMessageLength: 2000 };

/** A lone surrogate, which UTF-8 cannot carry, or NUL, which PostgreSQL's text cannot hold. */
const UNSTORABLE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/;

/** No lone surrogate and no NUL: the text survives UTF-8 (the wire) and every store unchanged. */
function isWellFormed(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** What the parser makes of a text: each lone surrogate (as any UTF-8 encoder does) and each NUL becomes U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(new RegExp(UNSTORABLE.source, 'g'), '\ufffd');
}

function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function own(value: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The parser's answer keeps every invariant of the contract, whatever the frame was. */
function expectContract(result: Parsed, limits: ParseLimits): void {
  expect(typeof result).toBe('object');
  if (!result.ok) {
    expect(Object.keys(result).every((key) => ['ok', 'code', 'message', 'ref'].includes(key))).toBe(true);
    expect(CONTRACT_CODES).toContain(result.code);
    expect(EDGE_CODES).toContain(result.code);
    expect(typeof result.message).toBe('string');
    expect(result.message.length).toBeGreaterThan(0);
    if ('ref' in result) {
      expect(typeof result.ref).toBe('string');
      expect((result.ref as string).length).toBeLessThanOrEqual(MAX_REF_LENGTH);
    }
    return;
  }
  expect(Object.keys(result).sort()).toEqual(['message', 'ok']);
  const message: ClientMessage = result.message;
  expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
  expect(TYPES).toContain(message.type);
  const shape = FIELDS[message.type];
  const keys = Reflect.ownKeys(message);
  for (const key of shape.required) expect(keys, key).toContain(key);
  const allowed = [...shape.required, ...shape.optional, ...(shape.about ? ['room', 'with'] : [])];
  for (const key of keys) expect(allowed, String(key)).toContain(key);
  if (shape.about) expect(('room' in message ? 1 : 0) + ('with' in message ? 1 : 0)).toBe(1);
  if (message.type === 'invite') expect(('user' in message ? 1 : 0) + ('name' in message ? 1 : 0)).toBe(1);

  const fields = message as unknown as Record<string, unknown>;
  for (const key of ['room', 'with', 'to', 'user', 'name']) if (key in fields) expect(typeof fields[key], key).toBe('string');
  if ('ref' in fields) {
    expect(typeof fields.ref).toBe('string');
    expect((fields.ref as string).length).toBeLessThanOrEqual(MAX_REF_LENGTH);
  }
  for (const key of ['since', 'before', 'id']) if (key in fields) expect(isId(fields[key]), `${key}=${String(fields[key])}`).toBe(true);
  if ('limit' in fields) {
    expect(Number.isInteger(fields.limit)).toBe(true);
    expect(fields.limit as number).toBeGreaterThanOrEqual(1);
    expect(fields.limit as number).toBeLessThanOrEqual(MAX_HISTORY_LIMIT);
  }
  if (message.type === 'chat' || message.type === 'dm') {
    expect(typeof message.data).toBe('string');
    expect(message.data).toBe(message.data.trim());
    expect(isBlank(message.data)).toBe(false);
    expect(codePointLength(message.data)).toBeLessThanOrEqual(limits.maxMessageLength);
    // What is accepted must be what is stored: text that UTF-8 cannot carry would come back
    // from SQLite changed (a lone surrogate as three U+FFFD), unlike the copy delivered live, and
    // PostgreSQL would refuse a NUL.
    expect(isWellFormed(message.data), JSON.stringify(message.data).slice(0, 80)).toBe(true);
  }
}

/** Relations between the frame and the answer that the contract fixes. */
function expectConsistentWithFrame(frame: string, result: Parsed, limits: ParseLimits): void {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    // Not JSON: a chat to the lobby with the frame as its text.
    const text = frame.trim();
    // Blank: white space and characters that show nothing only.
    if (isBlank(wellFormed(text))) expect(result).toMatchObject({ ok: false, code: 'empty' });
    else if (codePointLength(text) > limits.maxMessageLength) expect(result).toMatchObject({ ok: false, code: 'too_long' });
    else expect(result).toEqual({ ok: true, message: { type: 'chat', room: LOBBY, data: wellFormed(text) } });
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    expect(result).toMatchObject({ ok: false, code: 'bad_message' });
    expect('ref' in result).toBe(false);
    return;
  }
  const ref = own(value, 'ref');
  const type = own(value, 'type');
  if (ref !== undefined && (typeof ref !== 'string' || ref.length > MAX_REF_LENGTH)) {
    // An invalid ref is refused and never echoed.
    expect(result).toMatchObject({ ok: false, code: 'bad_message' });
    expect('ref' in result).toBe(false);
    return;
  }
  // A valid ref goes back, on success and on failure alike.
  if (result.ok) expect(result.message.ref).toBe(ref);
  else expect(result.ref).toBe(ref);
  if (typeof type !== 'string') expect(result).toMatchObject({ ok: false, code: 'bad_message' });
  else if (!(TYPES as readonly string[]).includes(type)) expect(result).toMatchObject({ ok: false, code: 'unknown_type' });
  else if (result.ok) expect(result.message.type).toBe(type);
}

// --- Object.prototype and friends stay as they were -----------------------------------------------

const PROTOTYPES: object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
const BASELINE = PROTOTYPES.map((proto) => Reflect.ownKeys(proto));

function expectNoPollution(): void {
  PROTOTYPES.forEach((proto, i) => {
    const keys = Reflect.ownKeys(proto);
    // Plain comparison first: this runs after every frame.
    if (keys.length !== BASELINE[i]?.length) expect(keys.filter((key) => !BASELINE[i]?.includes(key)), 'keys added to a prototype').toEqual([]);
  });
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'type', 'data', 'room', 'ref', 'limit', 'id']) if (probe[key] !== undefined) expect(probe[key], key).toBeUndefined();
  if (Object.getPrototypeOf(probe) !== Object.prototype || typeof probe.toString !== 'function') expect.fail('Object.prototype was replaced or changed');
}

/** Parses, and checks everything a frame must satisfy; the property of every test below. */
export function check(frame: string, limits: ParseLimits = DEFAULT_LIMITS): Parsed {
  let result: Parsed | undefined;
  expect(() => (result = parseClientMessage(frame, limits))).not.toThrow();
  expectContract(result as Parsed, limits);
  expectConsistentWithFrame(frame, result as Parsed, limits);
  expectNoPollution();
  return result as Parsed;
}

/** A lone surrogate: half of a code point, which UTF-8 cannot carry. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
