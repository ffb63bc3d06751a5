// Property-based tests of the edge validator, `parseClientMessage` (docs/protocol.md §3 and §5):
// whatever a client sends, it never throws, it answers either a message that keeps the contract's
// invariants or one of the contract's error codes (./parseContract.ts), and it never touches
// Object.prototype. fast-check prints the seed and the shrunk frame of a failure; replay one with
// `fc.assert(…, { seed, path })`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOBBY } from '../../../src/shared/protocol/index.js';
import { TYPES, check, loneSurrogate } from './parseContract.js';

// --- arbitraries ----------------------------------------------------------------------------------

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
