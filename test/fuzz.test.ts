// Bad input, at random, against a LIVE server (PROTOCOL.md §3–§5): a fuzzer user throws thousands
// of seeded random frames over several connections (random text and bytes, random JSON, deep
// nesting, huge numbers, prototype-pollution keys, oversized, binary and invalid UTF-8 frames,
// well-formed messages with wrong fields, unknown types, missing rooms and users) while two normal
// users keep chatting. The server must stay up, the two must get every message of theirs in order,
// and nothing that did not pass validation may reach them.
//
// Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts
import fc from 'fast-check';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MAX_REF_LENGTH,
  codePointLength,
  type ChatMessage,
  type DirectMessage,
  type ServerMessage,
  type User,
} from '../src/shared/protocol/index.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from './helpers/server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 2000);
const LANES = 3;
const MAX_FRAME_BYTES = 8192;
const MAX_MESSAGE_LENGTH = 2000;
/** Pipelined frames per lane between two round trips; bounds what is in flight when something goes wrong. */
const SYNC_EVERY = 25;
const FUZZ_ROOM = 'fuzzroom';

// --- the contract, written out independently of src/ ----------------------------------------------

const CONTRACT_CODES = ['bad_message', 'unknown_type', 'empty', 'too_long', 'no_such_room', 'not_in_room', 'no_such_user', 'rate_limited'];

/** Top-level fields of every server → client type (§4 and the README's extensions): required, then optional. */
const SERVER_FIELDS: Record<string, { required: string[]; optional: string[]; about?: true }> = {
  history: { required: ['type', 'data'], optional: ['before'], about: true },
  list: { required: ['type', 'room', 'data'], optional: [] },
  join: { required: ['type', 'room', 'user', 'data'], optional: [] },
  left: { required: ['type', 'room', 'user', 'data'], optional: [] },
  chat: { required: ['type', 'id', 'ts', 'room', 'user', 'data'], optional: ['ref'] },
  dm: { required: ['type', 'id', 'ts', 'user', 'to', 'data'], optional: ['ref'] },
  rooms: { required: ['type', 'data'], optional: [] },
  error: { required: ['type', 'data'], optional: ['ref'] },
  typing: { required: ['type', 'user'], optional: [], about: true },
  read: { required: ['type', 'id'], optional: [], about: true },
  unread: { required: ['type', 'data'], optional: [] },
};

/** What is wrong with the shape of a server message; empty when nothing is. */
function shapeProblems(message: unknown): string[] {
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

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What UTF-8 (the wire, SQLite) makes of a string: each lone surrogate becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

function own(value: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The text a text frame carries if, by the contract, it is a `chat` or `dm` whose fields are valid
 * (whether its room or recipient exists is the server's to decide): the only texts of the fuzzer
 * that may ever reach anyone.
 */
function validTextOf(frame: string): string | undefined {
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
  if (text.length === 0 || codePointLength(text) > MAX_MESSAGE_LENGTH) return undefined;
  return text;
}

// --- frames ---------------------------------------------------------------------------------------

type Frame =
  | { kind: 'text'; text: string }
  /** → 1003 */
  | { kind: 'binary'; bytes: Uint8Array }
  /** A text frame whose payload is not UTF-8, written by hand onto the socket → 1007. */
  | { kind: 'invalid-utf8'; bytes: Uint8Array; mask: Uint8Array }
  /** Over MAX_FRAME_BYTES → 1009. */
  | { kind: 'oversized'; text: string };

const EXPECTED_CLOSE: Record<Exclude<Frame['kind'], 'text'>, number> = { binary: 1003, 'invalid-utf8': 1007, oversized: 1009 };

function describeFrame(frame: Frame): string {
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
function maskedTextFrame(payload: Uint8Array, mask: Uint8Array): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([header, Buffer.from(mask), body]);
}

function frames(people: { alice: User; bob: User; fuzzer: User }): Frame[] {
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

// --- one fuzzer connection ------------------------------------------------------------------------

/** A raw `ws` connection of the fuzzer: checks the shape of everything the server sends it, and answers round trips. */
class FuzzSocket {
  readonly closed: Promise<number>;
  private readonly opened: Promise<void>;
  private readonly waiters = new Map<string, () => void>();

  private constructor(
    readonly socket: WebSocket,
    private readonly problems: string[],
  ) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {}); // a close the server started can surface as ECONNRESET while we write
    socket.on('message', (data, isBinary) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        problems.push(`server sent the fuzzer a frame that is not JSON (binary: ${isBinary}): ${data.toString().slice(0, 100)}`);
        return;
      }
      for (const problem of shapeProblems(message)) problems.push(`to the fuzzer: ${problem} in ${JSON.stringify(message).slice(0, 200)}`);
      const ref = (message as { type?: unknown; ref?: unknown }).ref;
      if ((message as { type?: unknown }).type === 'error' && typeof ref === 'string') this.waiters.get(ref)?.();
    });
  }

  static async open(wsUrl: string, cookie: string, problems: string[]): Promise<FuzzSocket> {
    const fuzz = new FuzzSocket(new WebSocket(wsUrl, { headers: { cookie } }), problems);
    await fuzz.opened;
    return fuzz;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Frame): void {
    switch (frame.kind) {
      case 'text':
      case 'oversized':
        return this.socket.send(frame.text);
      case 'binary':
        return this.socket.send(frame.bytes, { binary: true });
      case 'invalid-utf8': {
        // `ws` only sends valid UTF-8 as text, so the frame goes straight onto the TCP socket.
        const raw = (this.socket as unknown as { _socket: Socket })._socket;
        raw.write(maskedTextFrame(frame.bytes, frame.mask));
        return;
      }
    }
  }

  /** A round trip: an error with our ref comes back once everything sent before it was handled. */
  async roundTrip(ref: string, timeoutMs = 5000): Promise<'answered' | 'closed' | 'timeout'> {
    const answered = new Promise<'answered'>((resolve) => this.waiters.set(ref, () => resolve('answered')));
    this.socket.send(JSON.stringify({ type: 'leave', room: 'sync-no-such-room', ref }));
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      answered,
      this.closed.then(() => 'closed' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.waiters.delete(ref);
    return result;
  }

  async closedWithin(timeoutMs: number): Promise<number | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.closed, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    return code;
  }
}

// --- the test -------------------------------------------------------------------------------------

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
let baseline: (string | symbol)[][];
let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  baseline = PROTOTYPES.map(([, proto]) => Reflect.ownKeys(proto));
  server = await startTestServer({ RATE_LIMIT: '0', SIGNIN_RATE_LIMIT: '0', MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server?.close();
});

async function ready(who: SignedIn): Promise<TestClient> {
  const client = await TestClient.ready(server.wsUrl, who.cookie);
  clients.push(client);
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fuzzing a live server', () => {
  it('a text with lone surrogates is stored exactly as it was delivered, and within the length limit', async () => {
    const carol = await signIn(server.url, 'Carol');
    const dave = await signIn(server.url, 'Dave');
    const room = 'surrogates';
    const created = await fetch(`${server.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: carol.cookie },
      body: JSON.stringify({ name: room }),
    });
    expect(created.status).toBe(201);
    const c = await ready(carol);
    const d = await ready(dave);
    for (const client of [c, d]) {
      client.send({ type: 'join', room });
      await client.next((m) => m.type === 'list' && m.room === room);
    }
    // JSON.stringify writes a lone surrogate as the escape \udXXX, which is valid JSON (and how a
    // browser's JSON.stringify sends a textarea holding half of an emoji).
    // 1000 lone surrogates (6 bytes each as escapes, under the 8 KiB frame limit) would come back as 3000 characters.
    for (const data of ['a\ud800b', '\udc00'.repeat(1000), '😀\ud83d']) {
      c.send({ type: 'chat', room, data });
      const live = await d.next<ChatMessage>((m) => m.type === 'chat' && m.user.id === carol.user.id);
      d.drain();
      d.send({ type: 'history', room, limit: 100 });
      const history = await d.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history' && 'room' in m && m.room === room);
      const stored = history.data.find((m) => m.id === live.id);
      expect(stored?.data).toBe(live.data);
      expect(codePointLength(live.data)).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    }
    expect(c.received.filter((m) => m.type === 'error')).toEqual([]);
  });

  it(`survives ${FRAMES} random frames while two users keep chatting (seed ${SEED})`, async () => {
    console.log(`fuzz: seed ${SEED}, ${FRAMES} frames over ${LANES} connections (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz.test.ts)`);
    const started = Date.now();
    const [alice, bob, fuzzer] = await Promise.all([signIn(server.url, 'Alice'), signIn(server.url, 'Bob'), signIn(server.url, 'Fuzzer')]);
    const createRoom = await fetch(`${server.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie },
      body: JSON.stringify({ name: FUZZ_ROOM }),
    });
    expect(createRoom.status).toBe(201);

    const a = await ready(alice);
    const b = await ready(bob);
    for (const client of [a, b]) {
      client.send({ type: 'join', room: FUZZ_ROOM });
      await client.next((m) => m.type === 'list' && m.room === FUZZ_ROOM);
    }

    const all = frames({ alice: alice.user, bob: bob.user, fuzzer: fuzzer.user });
    /** Every text the fuzzer sent in a frame that, by the contract, was a valid chat or dm. */
    const validTexts = new Set<string>();
    for (const frame of all) {
      if (frame.kind !== 'text') continue;
      const valid = validTextOf(frame.text);
      if (valid !== undefined) validTexts.add(valid);
    }
    const problems: string[] = [];

    // --- the normal users chat all along: Alice in the lobby, Bob to Alice directly and in the room
    let fuzzing = true;
    const sent = { aliceLobby: [] as string[], bobDm: [] as string[], bobRoom: [] as string[] };
    const chatting = (async () => {
      for (let i = 0; fuzzing; i++) {
        const lobby = `alice says ${i}`;
        a.send({ type: 'chat', data: lobby });
        sent.aliceLobby.push(lobby);
        if (i % 2 === 0) {
          const dm = `bob whispers ${i}`;
          b.send({ type: 'dm', to: alice.user.id, data: dm });
          sent.bobDm.push(dm);
        } else {
          const inRoom = `bob in the room ${i}`;
          b.send({ type: 'chat', room: FUZZ_ROOM, data: inRoom });
          sent.bobRoom.push(inRoom);
        }
        await sleep(20);
      }
    })();

    // --- /healthz all along
    const health: number[] = [];
    // At least a few checks even when the fuzzing is over quickly (a fast machine).
    const probing = (async () => {
      while (fuzzing || health.length <= 5) {
        try {
          health.push((await fetch(`${server.url}/healthz`)).status);
        } catch (error) {
          problems.push(`/healthz failed: ${String(error)}`);
        }
        await sleep(50);
      }
    })();

    // --- the fuzzer, over several connections, reconnecting whenever the server closes one
    const closes: Record<number, number> = {};
    const lane = async (index: number) => {
      const mine = all.filter((_, i) => i % LANES === index);
      let socket = await FuzzSocket.open(server.wsUrl, fuzzer.cookie, problems);
      let recent: string[] = [];
      let rounds = 0;
      for (const [n, frame] of mine.entries()) {
        if (!socket.isOpen) {
          problems.push(`lane ${index}: closed unexpectedly (code ${String(await socket.closedWithin(0))}) after:\n  ${recent.join('\n  ')}`);
          return;
        }
        recent.push(describeFrame(frame));
        socket.send(frame);
        if (frame.kind !== 'text') {
          const code = await socket.closedWithin(5000);
          closes[code === 'timeout' ? -1 : code] = (closes[code === 'timeout' ? -1 : code] ?? 0) + 1;
          if (code !== EXPECTED_CLOSE[frame.kind]) {
            problems.push(`lane ${index}: ${frame.kind} frame: close ${code}, expected ${EXPECTED_CLOSE[frame.kind]}; after:\n  ${recent.join('\n  ')}`);
          }
          socket = await FuzzSocket.open(server.wsUrl, fuzzer.cookie, problems);
          recent = [];
          continue;
        }
        if ((n + 1) % SYNC_EVERY === 0 || n === mine.length - 1) {
          const result = await socket.roundTrip(`sync-${index}-${++rounds}`);
          if (result !== 'answered') {
            problems.push(`lane ${index}: round trip ${result} after:\n  ${recent.join('\n  ')}`);
            return;
          }
          recent = [];
        }
      }
      socket.socket.close();
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    fuzzing = false;
    await Promise.all([chatting, probing]);
    const fuzzedMs = Date.now() - started;

    // --- every message of the normal users arrived, in order, at both ends
    const lastOf = (list: string[]) => list[list.length - 1];
    const chatFrom = (user: User, room: string) => (m: ServerMessage) => m.type === 'chat' && m.user.id === user.id && m.room === room;
    const dmFrom = (user: User) => (m: ServerMessage) => m.type === 'dm' && m.user.id === user.id;
    const lastAlice = lastOf(sent.aliceLobby);
    const lastDm = lastOf(sent.bobDm);
    const lastRoom = lastOf(sent.bobRoom);
    await Promise.all([
      lastAlice && a.next((m) => chatFrom(alice.user, 'lobby')(m) && (m as ChatMessage).data === lastAlice, 10_000),
      lastAlice && b.next((m) => chatFrom(alice.user, 'lobby')(m) && (m as ChatMessage).data === lastAlice, 10_000),
      lastDm && a.next((m) => dmFrom(bob.user)(m) && (m as DirectMessage).data === lastDm, 10_000),
      lastDm && b.next((m) => dmFrom(bob.user)(m) && (m as DirectMessage).data === lastDm, 10_000),
      lastRoom && a.next((m) => chatFrom(bob.user, FUZZ_ROOM)(m) && (m as ChatMessage).data === lastRoom, 10_000),
      lastRoom && b.next((m) => chatFrom(bob.user, FUZZ_ROOM)(m) && (m as ChatMessage).data === lastRoom, 10_000),
    ]);
    const texts = (client: TestClient, predicate: (m: ServerMessage) => boolean) =>
      client.received.filter(predicate).map((m) => (m as ChatMessage | DirectMessage).data);
    for (const client of [a, b]) {
      expect(texts(client, chatFrom(alice.user, 'lobby'))).toEqual(sent.aliceLobby);
      expect(texts(client, dmFrom(bob.user))).toEqual(sent.bobDm);
      expect(texts(client, chatFrom(bob.user, FUZZ_ROOM))).toEqual(sent.bobRoom);
    }
    expect(sent.aliceLobby.length).toBeGreaterThan(10);

    // --- nothing reached them that did not pass validation, in any shape the contract does not have
    const fromFuzzer: string[] = [];
    for (const [me, client] of [[alice.user, a], [bob.user, b]] as const) {
      let lastId = 0;
      for (const message of client.received) {
        const label = `to ${me.name}: ${JSON.stringify(message).slice(0, 300)}`;
        expect(shapeProblems(message), label).toEqual([]);
        expect(message.type, label).not.toBe('error');
        const stored = message.type === 'history' ? message.data : message.type === 'chat' || message.type === 'dm' ? [message] : [];
        for (const m of stored) {
          expect(shapeProblems(m), label).toEqual([]);
          expect(typeof m.data, label).toBe('string');
          expect(m.data.length, label).toBeGreaterThan(0);
          expect(m.data, label).toBe(m.data.trim());
          expect(codePointLength(m.data), label).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
          expect(m.data, label).toBe(wellFormed(m.data));
          if (m.type === 'chat') expect(['lobby', FUZZ_ROOM], label).toContain(m.room);
          else expect([m.user.id, m.to.id], label).toContain(me.id);
          if (m.user.id === fuzzer.user.id) {
            expect('ref' in m, label).toBe(false);
            expect(validTexts.has(m.data), `${label}: a text the fuzzer never sent as a valid message`).toBe(true);
            if (message.type !== 'history') fromFuzzer.push(m.data);
          } else {
            expect([alice.user.id, bob.user.id], label).toContain(m.user.id);
          }
        }
        if (message.type === 'chat' || message.type === 'dm') {
          expect(message.id, label).toBeGreaterThan(lastId);
          lastId = message.id;
        }
        if (message.type === 'typing' || message.type === 'join' || message.type === 'left') {
          expect([alice.user.id, bob.user.id, fuzzer.user.id], label).toContain(message.user.id);
        }
      }
    }
    // The fuzzer did get through with valid messages, so the check above was not vacuous.
    expect(fromFuzzer.length).toBeGreaterThan(50);

    // --- the server is up, and nothing leaked into the prototypes of this process (the server's)
    expect(problems).toEqual([]);
    expect(health.length).toBeGreaterThan(5);
    expect(health.every((status) => status === 200)).toBe(true);
    const final = await fetch(`${server.url}/healthz`);
    expect(final.status).toBe(200);
    expect(await final.json()).toEqual({ status: 'ok' });
    PROTOTYPES.forEach(([name, proto], i) => {
      expect(Reflect.ownKeys(proto).filter((key) => !baseline[i]?.includes(key)), `keys added to ${name}`).toEqual([]);
      expect(Reflect.ownKeys(proto).length, name).toBe(baseline[i]?.length);
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();

    const kinds = all.reduce<Record<string, number>>((count, frame) => ({ ...count, [frame.kind]: (count[frame.kind] ?? 0) + 1 }), {});
    console.log(
      `fuzz: ${FRAMES} frames ${JSON.stringify(kinds)} in ${fuzzedMs} ms; closes ${JSON.stringify(closes)}; ` +
        `${fromFuzzer.length} fuzzer messages and ${sent.aliceLobby.length + sent.bobDm.length + sent.bobRoom.length} of the users' delivered; ` +
        `${health.length} health checks`,
    );
  });
});
