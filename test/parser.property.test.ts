// Property-based tests of the edge validator, `parseClientMessage` (PROTOCOL.md §3 and §5): whatever
// a client sends, it never throws, it answers either a message that keeps the contract's invariants
// or one of the contract's error codes, it never touches Object.prototype, and valid messages come
// through unchanged but for trimming. fast-check prints the seed and the shrunk frame of a failure;
// replay one with `fc.assert(…, { seed, path })`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage, type Parsed, type ParseLimits } from '../src/shared/protocol/index.js';
import { LOBBY, MAX_HISTORY_LIMIT, MAX_REF_LENGTH, codePointLength, type ClientMessage } from '../src/shared/protocol/index.js';

// --- the contract, written out independently of src/ ----------------------------------------------

const TYPES = ['chat', 'dm', 'join', 'leave', 'history', 'typing', 'read', 'people', 'ping'] as const;
/** Every error code of PROTOCOL.md §5 … */
const CONTRACT_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long', 'no_such_room', 'not_in_room', 'no_such_user', 'rate_limited'];
/** … of which the edge can only know these: rooms, users and rates are the hub's to judge. */
const EDGE_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long'];

/** Top-level fields of each validated message; `about` = exactly one of `room` and `with`. */
const FIELDS: Record<(typeof TYPES)[number], { required: string[]; optional: string[]; about?: true }> = {
  chat: { required: ['type', 'room', 'data'], optional: ['ref'] },
  dm: { required: ['type', 'to', 'data'], optional: ['ref'] },
  join: { required: ['type', 'room'], optional: ['since', 'ref'] },
  leave: { required: ['type', 'room'], optional: ['ref'] },
  history: { required: ['type'], optional: ['before', 'limit', 'ref'], about: true },
  typing: { required: ['type'], optional: ['ref'], about: true },
  read: { required: ['type', 'id'], optional: ['ref'], about: true },
  people: { required: ['type', 'room', 'q'], optional: ['ref'] },
  ping: { required: ['type'], optional: ['ref'] },
};

const DEFAULT_LIMITS: ParseLimits = { maxMessageLength: 2000 };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** No lone surrogate: the text survives UTF-8 (the wire, SQLite) unchanged. */
function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** What any UTF-8 encoder makes of a string: each lone surrogate becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
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

  const fields = message as unknown as Record<string, unknown>;
  for (const key of ['room', 'with', 'to']) if (key in fields) expect(typeof fields[key], key).toBe('string');
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
    expect(message.data.length).toBeGreaterThan(0);
    expect(codePointLength(message.data)).toBeLessThanOrEqual(limits.maxMessageLength);
    // What is accepted must be what is stored: text that UTF-8 cannot carry would come back
    // from SQLite changed (a lone surrogate as three U+FFFD), unlike the copy delivered live.
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
    if (text.length === 0) expect(result).toMatchObject({ ok: false, code: 'empty' });
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
function check(frame: string, limits: ParseLimits = DEFAULT_LIMITS): Parsed {
  let result: Parsed | undefined;
  expect(() => (result = parseClientMessage(frame, limits))).not.toThrow();
  expectContract(result as Parsed, limits);
  expectConsistentWithFrame(frame, result as Parsed, limits);
  expectNoPollution();
  return result as Parsed;
}

// --- arbitraries ----------------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** Any UTF-16: whole code points, lone surrogates, whitespace and controls, mixed. */
const anyUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\ufeff', '\u2028', '\u0000', '"', '\\', '{', '[') },
);
const anyString = fc.string({ unit: anyUnit, maxLength: 80 });
/** Strings at and around the length limit, some far over it, in several kinds of character. */
const longString = fc
  .tuple(fc.constantFrom('x', ' ', '😀', '路', '\ud800', 'e\u0301', '\ufffd'), fc.integer({ min: 0, max: 40 }), fc.constantFrom(1990, 2000, 2001, 4000, 70_000))
  .map(([unit, delta, base]) => unit.repeat(base - 20 + delta));
const someJson = fc.jsonValue({ maxDepth: 4, stringUnit: anyUnit });
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
const POISON = fc.constantFrom<unknown>(
  { polluted: 'yes' },
  { isAdmin: true, type: 'chat', data: 'from the prototype' },
  { prototype: { polluted: 1 } },
  JSON.parse('{"__proto__":{"polluted":2}}') as unknown,
  { toString: 'not a function' },
  null,
  'chat',
);
const RAW_NUMBERS = [
  '1e400', '-1e400', '-0', '0', '-0.0', '0e0', '1', '1.0', '1.5', '-1', '1E2', '100', '101', '1e21', '1e300', '4.9e-324',
  '9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993', '123456789012345678901234567890',
];
const rawNumber = fc.oneof(
  fc.constantFrom(...RAW_NUMBERS),
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : '1e999')),
  fc.bigInt().map(String),
);

/** A value for a field: mostly the right kind, sometimes anything at all. */
function fieldOf<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: someJson }, { weight: 1, arbitrary: POISON });
}

const messageShaped = fc.record(
  {
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...TYPES) },
      { weight: 1, arbitrary: fc.constantFrom('CHAT', 'Chat', 'shout', 'error', 'list', ...SPECIAL_KEYS, '', 'chat ') },
      { weight: 1, arbitrary: someJson },
    ),
    data: fieldOf(fc.oneof(anyString, longString)),
    room: fieldOf(fc.oneof(fc.constantFrom('lobby', 'LOBBY', 'dev', '', ' ', '__proto__'), anyString)),
    to: fieldOf(anyString),
    with: fieldOf(anyString),
    ref: fieldOf(fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: anyUnit, minLength: 60, maxLength: 70 }))),
    since: fieldOf(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER))),
    before: fieldOf(fc.oneof(fc.nat(), fc.integer(), fc.double())),
    id: fieldOf(fc.oneof(fc.nat(), fc.integer(), fc.double())),
    limit: fieldOf(fc.integer({ min: -5, max: 500 })),
  },
  { requiredKeys: [] },
);

/** A JSON object written out by hand, so keys may repeat and `__proto__` becomes an own key of what JSON.parse makes. */
const handWrittenObject = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
        { weight: 3, arbitrary: fc.constantFrom('type', 'data', 'room', 'to', 'with', 'ref', 'since', 'before', 'limit', 'id') },
        { weight: 1, arbitrary: fc.string() },
      ),
      fc.oneof(
        { weight: 2, arbitrary: POISON.map((value) => JSON.stringify(value)) },
        { weight: 2, arbitrary: fc.constantFrom('"chat"', '"dm"', '"history"', '"read"', '"lobby"', '"hello"', '"  "') },
        { weight: 2, arbitrary: someJson.map((value) => JSON.stringify(value)) },
        { weight: 1, arbitrary: rawNumber },
      ),
    ),
    { maxLength: 8 },
  )
  .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`);

// --- properties -----------------------------------------------------------------------------------

describe('parseClientMessage, at random', () => {
  it('any string at all: never throws, answers within the contract', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.string({ unit: 'binary' }), fc.string({ unit: loneSurrogate }), longString), (frame) => {
        check(frame);
      }),
      { numRuns: 500 },
    );
  });

  it('any JSON value, serialized: never throws, answers within the contract', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: anyUnit }), (value) => {
        check(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('message-shaped objects with right and wrong fields, any limit: within the contract', () => {
    fc.assert(
      fc.property(messageShaped, fc.integer({ min: 1, max: 60 }), (message, maxMessageLength) => {
        check(JSON.stringify(message), { maxMessageLength });
        check(JSON.stringify(message));
      }),
      { numRuns: 600 },
    );
  });

  it('dictionaries with __proto__ / constructor / prototype keys mixed in pollute nothing', () => {
    const key = fc.oneof(fc.constantFrom(...SPECIAL_KEYS, 'type', 'data', 'ref'), fc.string());
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(POISON, someJson), { maxKeys: 8 }), fc.constantFrom(...TYPES), (fields, type) => {
        check(JSON.stringify(fields));
        check(JSON.stringify({ ...fields, type, data: 'hi', room: 'lobby', with: 'u', to: 'u', id: 1 }));
      }),
      { numRuns: 300 },
    );
  });

  it('hand-written objects whose __proto__ is an own key after JSON.parse pollute nothing', () => {
    // The premise: JSON.parse makes `__proto__` an ordinary own key, not the prototype.
    const parsed = JSON.parse('{"__proto__":{"polluted":"yes"}}') as object;
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);

    fc.assert(
      fc.property(handWrittenObject, (frame) => {
        check(frame);
      }),
      { numRuns: 600 },
    );

    // The message itself may not hide behind __proto__ or constructor.
    for (const frame of [
      '{"__proto__":{"type":"chat","data":"hi"}}',
      '{"constructor":{"prototype":{"type":"chat","data":"hi"}}}',
      '{"type":"chat","__proto__":{"data":"hi"}}',
      '{"type":"history","room":"lobby","__proto__":{"limit":1e400,"before":-1}}',
    ]) {
      const result = check(frame);
      if (frame.includes('history')) expect(result).toEqual({ ok: true, message: { type: 'history', room: 'lobby' } });
      else expect(result).toMatchObject({ ok: false, code: 'bad_message' });
    }
  });

  it('huge, negative, fractional and negative-zero numbers in every numeric field', () => {
    const frame = fc
      .tuple(
        fc.constantFrom(
          ['history', '"room":"lobby"', 'before'],
          ['history', '"with":"u1"', 'limit'],
          ['join', '"room":"lobby"', 'since'],
          ['read', '"room":"lobby"', 'id'],
          ['read', '"with":"u1"', 'id'],
          ['chat', '"data":"hi"', 'data'],
          ['history', '"room":"lobby"', 'type'],
        ),
        rawNumber,
      )
      .map(([[type, fields, key], number]) => `{"type":"${type}",${fields},"${key}":${number}}`);
    fc.assert(
      fc.property(frame, (text) => {
        check(text);
      }),
      { numRuns: 500 },
    );
    for (const number of RAW_NUMBERS) for (const key of ['before', 'limit', 'since', 'id']) {
      check(`{"type":"history","room":"lobby","${key}":${number}}`);
      check(`{"type":"read","with":"u","id":${number},"${key}":${number}}`);
    }
  });

  it('deep nesting, closed and unclosed, alone and inside a valid message', () => {
    const depth = fc.integer({ min: 1, max: 100_000 });
    fc.assert(
      fc.property(depth, fc.constantFrom('[', '{"a":'), fc.boolean(), (n, open, closed) => {
        const close = open === '[' ? ']' : '}';
        const nested = open.repeat(n) + (closed ? (open === '[' ? '' : '0') + close.repeat(n) : '');
        check(nested, { maxMessageLength: 1_000_000 });
        check(nested);
        if (closed) {
          const inside = check(`{"type":"chat","data":" deep ","extra":${nested}}`);
          expect(inside).toEqual({ ok: true, message: { type: 'chat', room: LOBBY, data: 'deep' } });
          expect(check(`{"type":"chat","data":${nested}}`)).toMatchObject({ ok: false, code: 'bad_message' });
        }
      }),
      { numRuns: 10 },
    );
  });

  it('very long frames: a megabyte of text, of JSON, of whitespace', () => {
    const mega = 1024 * 1024;
    for (const frame of [
      'x'.repeat(mega),
      ' '.repeat(mega),
      '\ud800'.repeat(mega),
      '😀'.repeat(mega / 2),
      JSON.stringify({ type: 'chat', data: 'y'.repeat(mega) }),
      JSON.stringify({ type: 'chat', data: `${' '.repeat(mega)}z${' '.repeat(mega)}` }),
      JSON.stringify({ type: 'chat', data: 'z', ref: 'r'.repeat(mega) }),
      JSON.stringify({ type: 'x'.repeat(mega) }),
    ]) {
      check(frame);
    }
  });
});

describe('valid messages round-trip', () => {
  const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\ufeff', '\u2028'), maxLength: 5 });
  /** Well-formed text with something in it besides whitespace, at most `max` code points once trimmed. */
  const text = (max: number) =>
    fc
      .string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('😀', '路', 'a')), minLength: 1, maxLength: max })
      .filter((s) => s.trim().length > 0);
  // At most 32 code points, so at most 64 UTF-16 units.
  const ref = fc.option(fc.string({ unit: 'binary', maxLength: MAX_REF_LENGTH / 2 }), { nil: undefined });

  it('chat: parses to the same text trimmed, the room defaulting to lobby, the ref kept', () => {
    fc.assert(
      fc.property(text(60), padding, padding, fc.option(fc.string(), { nil: undefined }), ref, (data, before, after, room, r) => {
        const sent = { type: 'chat', data: before + data + after, ...(room === undefined ? {} : { room }), ...(r === undefined ? {} : { ref: r }) };
        const result = check(JSON.stringify(sent), { maxMessageLength: 60 });
        expect(result).toEqual({
          ok: true,
          message: { type: 'chat', room: room ?? LOBBY, data: data.trim(), ...(r === undefined ? {} : { ref: r }) },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('dm: parses to the same text trimmed and the same recipient', () => {
    fc.assert(
      fc.property(text(60), padding, fc.string(), ref, (data, pad, to, r) => {
        const sent = { type: 'dm', to, data: pad + data + pad, ...(r === undefined ? {} : { ref: r }) };
        expect(check(JSON.stringify(sent), { maxMessageLength: 60 })).toEqual({
          ok: true,
          message: { type: 'dm', to, data: data.trim(), ...(r === undefined ? {} : { ref: r }) },
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a text frame that is not JSON is a chat to the lobby with the text trimmed', () => {
    fc.assert(
      fc.property(text(60), padding, (data, pad) => {
        const frame = pad + data + pad;
        fc.pre(!isJson(frame));
        expect(check(frame, { maxMessageLength: 60 })).toEqual({ ok: true, message: { type: 'chat', room: LOBBY, data: data.trim() } });
      }),
      { numRuns: 300 },
    );
  });

  it('text exactly at the limit in code points passes; one more is too_long', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom('x', '😀', '路', '\ufffd'), (max, unit) => {
        expect(check(JSON.stringify({ type: 'chat', data: unit.repeat(max) }), { maxMessageLength: max })).toMatchObject({ ok: true });
        expect(check(JSON.stringify({ type: 'chat', data: unit.repeat(max + 1) }), { maxMessageLength: max })).toMatchObject({
          ok: false,
          code: 'too_long',
        });
      }),
      { numRuns: 100 },
    );
  });

  it('text with lone surrogates is accepted as UTF-8 would carry it: each one becomes U+FFFD', () => {
    expect(check(JSON.stringify({ type: 'chat', data: ' a\ud800b ' }))).toEqual({
      ok: true,
      message: { type: 'chat', room: LOBBY, data: 'a\ufffdb' },
    });
    expect(check(JSON.stringify({ type: 'dm', to: 'u', data: '\udc00\ud83d\ude00\ud83d' }))).toEqual({
      ok: true,
      message: { type: 'dm', to: 'u', data: '\ufffd😀\ufffd' },
    });
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom('a', ' ', '😀')), minLength: 1, maxLength: 40 }), (data) => {
        const result = check(JSON.stringify({ type: 'chat', data }), { maxMessageLength: 40 });
        if (result.ok) expect(result.message).toEqual({ type: 'chat', room: LOBBY, data: wellFormed(data).trim() });
      }),
      { numRuns: 300 },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
