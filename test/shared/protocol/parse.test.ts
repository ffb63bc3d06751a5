// The edge validator, `parseClientMessage` (docs/protocol.md §3 and §5), by example: what each bad
// message is answered with, trimming and defaults, and valid messages coming through unchanged but
// for trimming (at random, with the contract written out in ./parseContract.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlank, LOBBY, MAX_REF_LENGTH, parseClientMessage } from '../../../src/shared/protocol/index.js';
import { check, isJson, loneSurrogate, wellFormed } from './parseContract.js';

const limits = { maxMessageLength: 10 };
const parse = (frame: unknown) => parseClientMessage(typeof frame === 'string' ? frame : JSON.stringify(frame), limits);

describe('parseClientMessage', () => {
  it('takes a non-JSON frame as a chat to the lobby', () => {
    expect(parse('hello')).toEqual({ ok: true, message: { type: 'chat', room: 'lobby', data: 'hello' } });
  });

  it('refuses JSON that is not an object', () => {
    for (const frame of ['[]', '123', '"text"', 'null', 'true']) {
      expect(parse(frame)).toMatchObject({ ok: false, code: 'bad_message' });
    }
  });

  it('names the error of each bad message and echoes a valid ref', () => {
    expect(parse({ type: 'chat', data: '   ', ref: 'a' })).toMatchObject({ ok: false, code: 'empty', ref: 'a' });
    expect(parse({ type: 'chat', data: 'x'.repeat(11) })).toMatchObject({ ok: false, code: 'too_long' });
    expect(parse({ type: 'chat', data: '😀'.repeat(10) })).toMatchObject({ ok: true });
    expect(parse({ type: 'chat', data: 5 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'chat', data: 'x', room: 7 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'dance' })).toMatchObject({ ok: false, code: 'unknown_type' });
    expect(parse({ data: 'x' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'dm', data: 'x' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'join' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'chat', data: 'x', ref: 'r'.repeat(65) })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'chat', data: 'x', ref: 'r'.repeat(64) })).toMatchObject({ ok: true });
  });

  it('answers `empty` for a text of invisible characters and white space only, and keeps them inside real text', () => {
    for (const data of ['\u200b', ' \u200b\u200d ', '\u202e\u2066', '\ufeff', '\u3164', '\u2800 \u00ad']) {
      expect(parse({ type: 'chat', data }), JSON.stringify(data)).toMatchObject({ ok: false, code: 'empty' });
      expect(parse({ type: 'dm', to: 'u1', data }), JSON.stringify(data)).toMatchObject({ ok: false, code: 'empty' });
    }
    expect(parse({ type: 'chat', data: 'a\u200bb' })).toMatchObject({ ok: true, message: { data: 'a\u200bb' } });
  });

  it('trims text and defaults the room', () => {
    expect(parse({ type: 'chat', data: '  hi  ', ref: 'z' })).toEqual({
      ok: true,
      message: { type: 'chat', room: 'lobby', data: 'hi', ref: 'z' },
    });
  });

  it('validates history requests', () => {
    expect(parse({ type: 'history', room: 'lobby', before: 10, limit: 500 })).toEqual({
      ok: true,
      message: { type: 'history', room: 'lobby', before: 10, limit: 100 },
    });
    expect(parse({ type: 'history', with: 'u1' })).toEqual({ ok: true, message: { type: 'history', with: 'u1' } });
    expect(parse({ type: 'history' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'history', room: 'a', with: 'b' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'history', room: 'a', limit: 0 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'history', room: 'a', before: -1 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'history', room: 'a', before: 1e300 })).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('validates typing: a room or a user, never both or neither', () => {
    expect(parse({ type: 'typing', room: 'lobby' })).toEqual({ ok: true, message: { type: 'typing', room: 'lobby' } });
    expect(parse({ type: 'typing', with: 'u1', ref: 't' })).toEqual({ ok: true, message: { type: 'typing', with: 'u1', ref: 't' } });
    expect(parse({ type: 'typing' })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'typing', room: 'a', with: 'b', ref: 't' })).toMatchObject({ ok: false, code: 'bad_message', ref: 't' });
    expect(parse({ type: 'typing', room: 5 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'typing', with: null })).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('validates read: a room or a user, and a message id', () => {
    expect(parse({ type: 'read', room: 'lobby', id: 7 })).toEqual({ ok: true, message: { type: 'read', room: 'lobby', id: 7 } });
    expect(parse({ type: 'read', with: 'u1', id: 0 })).toEqual({ ok: true, message: { type: 'read', with: 'u1', id: 0 } });
    expect(parse({ type: 'read', room: 'lobby', id: Number.MAX_SAFE_INTEGER })).toMatchObject({ ok: true });
    for (const id of [undefined, -1, 1.5, '7', null, 1e300, Number.MAX_SAFE_INTEGER + 1]) {
      expect(parse({ type: 'read', room: 'lobby', id }), String(id)).toMatchObject({ ok: false, code: 'bad_message' });
    }
    expect(parse({ type: 'read', id: 1 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'read', room: 'a', with: 'b', id: 1 })).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse({ type: 'read', room: ['lobby'], id: 1, ref: 'r' })).toMatchObject({ ok: false, code: 'bad_message', ref: 'r' });
  });

  it('ignores prototype keys rather than being steered by them', () => {
    const result = parse('{"__proto__":{"type":"chat","data":"x"},"constructor":"y"}');
    expect(result).toMatchObject({ ok: false, code: 'bad_message' });
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});

describe('valid messages round-trip', () => {
  const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\ufeff', '\u2028'), maxLength: 5 });
  /** Well-formed text (no NUL either) with something in it besides whitespace, at most `max` code points once trimmed. */
  const text = (max: number) =>
    fc
      .string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('😀', '路', 'a')), minLength: 1, maxLength: max })
      // Not blank (white space and invisible characters only: that is `empty`).
      .filter((s) => !isBlank(wellFormed(s).trim()) && !s.includes('\u0000'));
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

  it('text with NUL is accepted with each one as U+FFFD, as every store can keep it', () => {
    expect(check(JSON.stringify({ type: 'chat', data: 'a\u0000b' }))).toEqual({ ok: true, message: { type: 'chat', room: LOBBY, data: 'a\ufffdb' } });
    expect(check(JSON.stringify({ type: 'dm', to: 'u', data: '\u0000\u0000' }))).toEqual({ ok: true, message: { type: 'dm', to: 'u', data: '\ufffd\ufffd' } });
    // Not JSON: the frame is a lobby chat, NUL and all.
    expect(check('x\u0000')).toEqual({ ok: true, message: { type: 'chat', room: LOBBY, data: 'x\ufffd' } });
  });
});
