// The settings (src/config.ts): working defaults, every variable read, and a bad value named.
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';

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

describe('MAX_BUFFERED_BYTES', () => {
  it('defaults to 4 MiB, takes 64 KiB or more, and names itself when wrong', () => {
    expect(loadConfig({}).maxBufferedBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig({ MAX_BUFFERED_BYTES: '65536' }).maxBufferedBytes).toBe(65536);
    expect(loadConfig({ MAX_BUFFERED_BYTES: ' ' }).maxBufferedBytes).toBe(4 * 1024 * 1024);
    for (const bad of ['65535', '0', '-1', '1.5', '4MiB', 'lots']) {
      expect(() => loadConfig({ MAX_BUFFERED_BYTES: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ MAX_BUFFERED_BYTES: bad })).toThrow(/MAX_BUFFERED_BYTES/);
    }
  });
});

describe('COMMIT_DELAY_MS', () => {
  it('defaults to 2 ms, takes 0 (no wait) to 100, and names itself when wrong', () => {
    expect(loadConfig({}).commitDelayMs).toBe(2);
    expect(loadConfig({ COMMIT_DELAY_MS: '0' }).commitDelayMs).toBe(0);
    expect(loadConfig({ COMMIT_DELAY_MS: '100' }).commitDelayMs).toBe(100);
    for (const bad of ['-1', '101', '1.5', '2ms']) expect(() => loadConfig({ COMMIT_DELAY_MS: bad })).toThrow(/COMMIT_DELAY_MS/);
  });
});

describe('DATABASE_URL', () => {
  it('is unset by default (SQLite in DATA_DIR), takes a postgres:// or postgresql:// URL, and names itself otherwise', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://chat:pw@db.internal:5432/chat' }).databaseUrl).toBe('postgres://chat:pw@db.internal:5432/chat');
    expect(loadConfig({ DATABASE_URL: ' postgresql://localhost/chat ' }).databaseUrl).toBe('postgresql://localhost/chat');
    for (const bad of ['mysql://root:hunter2@localhost/chat', 'localhost:5432/chat', 'sqlite:chat.db', 'hunter2']) {
      expect(() => loadConfig({ DATABASE_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ DATABASE_URL: bad })).toThrow(/DATABASE_URL/);
      // The value may hold a password: it is not repeated.
      expect(() => loadConfig({ DATABASE_URL: bad })).not.toThrow(/hunter2/);
    }
  });
});

describe('REDIS_URL and REDIS_PREFIX', () => {
  const database = { DATABASE_URL: 'postgres://chat@localhost/chat' };

  it('are unset and chat: by default, take a redis:// or rediss:// URL, and name themselves otherwise', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, redisPrefix: 'chat:' });
    expect(loadConfig({ ...database, REDIS_URL: ' ' }).redisUrl).toBeUndefined();
    expect(loadConfig({ ...database, REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ ...database, REDIS_URL: ' rediss://:pw@cache.internal:6380/2 ' }).redisUrl).toBe('rediss://:pw@cache.internal:6380/2');
    for (const bad of ['http://:hunter2@localhost:6379', 'localhost:6379', 'redis://', 'hunter2']) {
      expect(() => loadConfig({ ...database, REDIS_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...database, REDIS_URL: bad })).toThrow(/REDIS_URL/);
      // The value may hold a password: it is not repeated.
      expect(() => loadConfig({ ...database, REDIS_URL: bad })).not.toThrow(/hunter2/);
    }
    expect(loadConfig({ REDIS_PREFIX: 'site2:' }).redisPrefix).toBe('site2:');
    expect(loadConfig({ REDIS_PREFIX: '  ' }).redisPrefix).toBe('chat:');
    for (const bad of ['two words', 'x'.repeat(65), 'naïve:']) expect(() => loadConfig({ REDIS_PREFIX: bad })).toThrow(/REDIS_PREFIX/);
  });

  it('refuses REDIS_URL without DATABASE_URL, saying why', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL needs DATABASE_URL/);
  });
});
