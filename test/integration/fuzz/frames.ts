// The fuzzer's frames: seeded random text and bytes, random JSON, deep nesting, huge numbers,
// prototype-pollution keys, oversized, binary and invalid UTF-8 frames, well-formed messages with
// wrong fields, unknown types, missing rooms and users.
import fc from 'fast-check';
import type { User } from '../../../src/shared/protocol/index.js';
import { MAX_FRAME_BYTES, MAX_MESSAGE_LENGTH, wellFormed } from './contract.js';

export const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
export const FRAMES = Number(process.env.FUZZ_FRAMES ?? 2000);
/** A room the normal users are in, and the fuzzer's frames aim at. */
export const FUZZ_ROOM = 'fuzzroom';

export type Frame =
  | { kind: 'text'; text: string }
  /** → 1003 */
  | { kind: 'binary'; bytes: Uint8Array }
  /** A text frame whose payload is not UTF-8, written by hand onto the socket → 1007. */
  | { kind: 'invalid-utf8'; bytes: Uint8Array; mask: Uint8Array }
  /** Over MAX_FRAME_BYTES → 1009. */
  | { kind: 'oversized'; text: string };

export const EXPECTED_CLOSE: Record<Exclude<Frame['kind'], 'text'>, number> = { binary: 1003, 'invalid-utf8': 1007, oversized: 1009 };

export function describeFrame(frame: Frame): string {
  const body = 'text' in frame ? frame.text : Buffer.from(frame.bytes).toString('hex');
  return `${frame.kind} ${JSON.stringify(body.length > 120 ? `${body.slice(0, 120)}… (${body.length})` : body)}`;
}

/** A text frame, or an oversized one when its UTF-8 is over the limit; as the wire carries it. */
function textFrame(text: string): Frame {
  const wire = wellFormed(text); // a `ws` client sends text as UTF-8: lone surrogates go out as U+FFFD
  return Buffer.byteLength(wire) > MAX_FRAME_BYTES ? { kind: 'oversized', text: wire } : { kind: 'text', text: wire };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A client → server text frame (FIN, opcode 1, masked), for payloads `ws` would refuse to send as text. */
export function maskedTextFrame(payload: Uint8Array, mask: Uint8Array): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([header, Buffer.from(mask), body]);
}

export function frames(people: { alice: User; bob: User; fuzzer: User }): Frame[] {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
  const anyUnit = fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: loneSurrogate },
    { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u0000', '"', '\\', '{', '[', '<script>') },
  );
  const anyString = fc.string({ unit: anyUnit, maxLength: 60 });
  const someJson = fc.jsonValue({ maxDepth: 3, stringUnit: anyUnit });
  const ids = [people.alice.id, people.bob.id, people.fuzzer.id];
  const userId = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom('nobody', '', ' ', '__proto__', 'constructor', people.alice.id.toUpperCase(), `${people.bob.id} `) },
    { weight: 1, arbitrary: anyString },
  );
  const room = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('lobby', FUZZ_ROOM) },
    { weight: 2, arbitrary: fc.constantFrom('LOBBY', 'FuzzRoom', 'nowhere', '', ' lobby', '__proto__', 'constructor', 'x'.repeat(40)) },
    { weight: 1, arbitrary: anyString },
  );
  const text = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(), anyString).map(([n, s]) => `fz${n} ${s}`) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '\n\t', '\u3000', 'x'.repeat(MAX_MESSAGE_LENGTH), 'y'.repeat(MAX_MESSAGE_LENGTH + 1)) },
    { weight: 1, arbitrary: fc.constantFrom('😀'.repeat(MAX_MESSAGE_LENGTH / 2), '\ud800', ' a\udc00b ', '<img src=x onerror=alert(1)>') },
  );
  const POISON = [
    '{"polluted":"yes"}',
    '{"isAdmin":true,"type":"chat","data":"from the prototype"}',
    '{"prototype":{"polluted":1}}',
    '{"__proto__":{"polluted":2}}',
    '{"toString":"nope"}',
    'null',
  ];
  /** Mostly the right kind of value, sometimes anything. */
  const field = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: someJson }, { weight: 1, arbitrary: fc.constantFrom(...POISON).map((p) => JSON.parse(p) as unknown) });
  const messageShaped = fc
    .record(
      {
        type: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom('chat', 'dm', 'join', 'leave', 'history', 'typing', 'read') },
          { weight: 2, arbitrary: fc.constantFrom('CHAT', 'shout', 'error', 'list', 'rooms', 'unread', '__proto__', 'constructor', '') },
          { weight: 1, arbitrary: someJson },
        ),
        data: field(text),
        room: field(room),
        to: field(userId),
        with: field(userId),
        ref: field(fc.string({ maxLength: 70 })),
        since: field(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(0))),
        before: field(fc.oneof(fc.nat(), fc.integer(), fc.double())),
        id: field(fc.oneof(fc.nat(), fc.integer(), fc.double())),
        limit: field(fc.integer({ min: -5, max: 500 })),
      },
      { requiredKeys: ['type'] },
    )
    .map((message) => JSON.stringify(message));
  /** Valid-looking messages, to rooms and people that may or may not be there. */
  const wellShaped = fc.oneof(
    fc.record({ type: fc.constant('chat'), room, data: text, ref: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }) }),
    fc.record({ type: fc.constant('dm'), to: userId, data: text }),
    fc.record({ type: fc.constantFrom('join', 'leave'), room }),
    fc.record({ type: fc.constant('join'), room, since: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)) }),
    fc.record({ type: fc.constant('history'), room, limit: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ type: fc.constantFrom('history', 'typing'), with: userId }),
    fc.record({ type: fc.constant('typing'), room }),
    fc.record({ type: fc.constant('read'), room, id: fc.nat() }),
    fc.record({ type: fc.constant('read'), with: userId, id: fc.maxSafeNat() }),
  ).map((message) => JSON.stringify(message));
  const RAW_NUMBERS = ['1e400', '-1e400', '-0', '9007199254740993', '-9007199254740993', '1e21', '1.5', '-1', '1E2', '123456789012345678901234567890'];
  const hugeNumbers = fc
    .tuple(
      fc.constantFrom(
        `"type":"history","room":"lobby","before"`,
        `"type":"history","room":"lobby","limit"`,
        `"type":"history","with":"${people.alice.id}","limit"`,
        `"type":"join","room":"${FUZZ_ROOM}","since"`,
        `"type":"read","room":"lobby","id"`,
        `"type":"read","with":"${people.bob.id}","id"`,
        `"type":"chat","data"`,
        `"type":"dm","to":"${people.alice.id}","data"`,
        `"type":"chat","data":"number room","room"`,
        `"type"`,
      ),
      fc.constantFrom(...RAW_NUMBERS),
    )
    .map(([fields, number]) => `{${fields}:${number}}`);
  const pollution = fc.oneof(
    fc.constantFrom(
      '{"__proto__":{"polluted":"yes"},"type":"chat","data":"proto chat"}',
      '{"__proto__":{"type":"chat","data":"hidden in proto"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"type":"dm","to":"nobody","data":"ctor"}',
      '{"type":"chat","data":"proto ref","ref":"r","__proto__":{"ref":"x","room":"fuzzroom"}}',
      '{"type":"history","room":"lobby","__proto__":{"limit":1e400}}',
      '{"type":"join","room":"__proto__"}',
      '{"type":"__proto__","data":"x"}',
      '{"type":"constructor","data":"x"}',
      '{"type":"chat","room":"constructor","data":"x"}',
      '{"type":"dm","to":"__proto__","data":"x"}',
      '{"type":"typing","with":"hasOwnProperty"}',
    ),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type', 'data', 'room', 'to', 'ref'),
          fc.oneof(fc.constantFrom(...POISON, '"chat"', '"dm"', '"lobby"', `"${people.alice.id}"`, '"poisoned text"'), someJson.map((v) => JSON.stringify(v))),
        ),
        { maxLength: 6 },
      )
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  );
  const deep = fc.oneof(
    fc.integer({ min: 1, max: 4000 }).map((n) => '['.repeat(n) + ']'.repeat(n)), // closed: a JSON array → bad_message
    fc.integer({ min: 1, max: 8000 }).map((n) => '['.repeat(n)), // unclosed: not JSON, so text; too long past 2000
    fc.integer({ min: 1, max: 1500 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    fc.integer({ min: 1, max: 3000 }).map((n) => `{"type":"chat","data":"deep ${n}","x":${'['.repeat(n)}${']'.repeat(n)}}`),
    fc.integer({ min: 1, max: 3000 }).map((n) => `{"type":"chat","data":${'['.repeat(n)}"deep data"${']'.repeat(n)}}`),
    fc.constant('['.repeat(10_000)), // the brief's 10,000 levels: over the 8 KiB limit, so 1009
  );
  const binary = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    text.map((data) => new TextEncoder().encode(JSON.stringify({ type: 'chat', data: `binary ${data}` }))),
  );
  const invalidUtf8 = fc
    .tuple(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat().map((n) => new TextEncoder().encode(`{"type":"chat","data":"invalid utf-8 ${n} `)),
      ),
      fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
    )
    .map(([head, bad, mask]): Frame => {
      const bytes = Uint8Array.from([...head, ...bad, ...new TextEncoder().encode('"}')]);
      return { kind: 'invalid-utf8', bytes: isValidUtf8(bytes) ? Uint8Array.from([...bytes, 0xff]) : bytes, mask };
    });
  const oversized = fc.oneof(
    fc.tuple(fc.integer({ min: MAX_FRAME_BYTES + 1, max: 3 * MAX_FRAME_BYTES }), fc.constantFrom('x', ' ', '路', '😀')).map(([bytes, unit]) =>
      unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))),
    ),
    fc.nat().map((n) => JSON.stringify({ type: 'chat', data: `oversized ${n} ${'o'.repeat(MAX_FRAME_BYTES)}` })),
  );

  const frame: fc.Arbitrary<Frame> = fc.oneof(
    { weight: 12, arbitrary: anyString.map(textFrame) },
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => textFrame(Buffer.from(bytes).toString('utf8'))) },
    { weight: 8, arbitrary: someJson.map((value) => textFrame(JSON.stringify(value))) },
    { weight: 20, arbitrary: messageShaped.map(textFrame) },
    { weight: 20, arbitrary: wellShaped.map(textFrame) },
    { weight: 5, arbitrary: hugeNumbers.map(textFrame) },
    { weight: 6, arbitrary: pollution.map(textFrame) },
    { weight: 3, arbitrary: deep.map(textFrame) },
    { weight: 1, arbitrary: binary.map((bytes): Frame => ({ kind: 'binary', bytes })) },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: oversized.map(textFrame) },
  );
  return fc.sample(frame, { seed: SEED, numRuns: FRAMES });
}
