import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../src/client/backoff.js';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';
import { parseClientMessage } from '../src/shared/protocol/index.js';
import { RateLimiter } from '../src/limits/rateLimiter.js';
import { normalizeRoomName, normalizeUserName } from '../src/shared/protocol/index.js';

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

describe('names', () => {
  it('accepts 1 to 32 code points without control characters, trimmed', () => {
    expect(normalizeUserName('  路人甲 ')).toBe('路人甲');
    expect(normalizeUserName('x'.repeat(32))).toBe('x'.repeat(32));
    expect(normalizeUserName('x'.repeat(33))).toBeNull();
    expect(normalizeUserName('a\nb')).toBeNull();
    expect(normalizeUserName('')).toBeNull();
    expect(normalizeUserName(42)).toBeNull();
  });

  it('allows letters of any script, digits, - and _ in room names', () => {
    expect(normalizeRoomName('技术-talk_2')).toBe('技术-talk_2');
    expect(normalizeRoomName('Ελληνικά')).toBe('Ελληνικά');
    for (const bad of ['', 'a b', 'a.b', 'a/b', '#x', 'x'.repeat(33)]) expect(normalizeRoomName(bad)).toBeNull();
  });
});

describe('RateLimiter', () => {
  it('allows `limit` hits per sliding window, per key', () => {
    const limiter = new RateLimiter(2, 1000);
    expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 100)).toBe(true);
    expect(limiter.take('a', 200)).toBe(false);
    expect(limiter.take('b', 200)).toBe(true);
    expect(limiter.take('a', 1001)).toBe(true);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0, 1000);
    for (let i = 0; i < 100; i++) expect(limiter.take('a', 0)).toBe(true);
  });
});

describe('reconnectDelay', () => {
  it('starts near 1 s, doubles, stops at 30 s, with jitter', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(1000);
    expect(reconnectDelay(1, () => 0.5)).toBe(2000);
    expect(reconnectDelay(10, () => 0.5)).toBe(30_000);
    expect(reconnectDelay(0, () => 0)).toBe(800);
    expect(reconnectDelay(0, () => 1)).toBe(1200);
  });
});

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', heartbeatMs: 30_000, historyLimit: 50, rateLimit: 20 });
    expect(config.maxMessageLength).toBe(DEFAULTS.maxMessageLength);
    expect(config.dataDir).toMatch(/data$/);
  });

  it('reads every variable and names the one at fault', () => {
    const config = loadConfig({ PORT: '8080', RATE_LIMIT: '0', TRUST_PROXY: 'true', ALLOWED_ORIGINS: 'https://a.example/, http://b.example:81' });
    expect(config).toMatchObject({ port: 8080, rateLimit: 0, trustProxy: true, allowedOrigins: ['https://a.example', 'http://b.example:81'] });
    expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEARTBEAT_MS: 'soon' })).toThrow(/HEARTBEAT_MS/);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ SECRET: 'short' })).toThrow(/SECRET/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'not a url' })).toThrow(/ALLOWED_ORIGINS/);
  });
});
