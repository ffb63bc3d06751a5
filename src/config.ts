import path from 'node:path';

/** Everything the server can be told, validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /**
   * PostgreSQL to keep everything in (`postgres://user:password@host/database`); undefined keeps it
   * in SQLite under dataDir, as always.
   */
  databaseUrl: string | undefined;
  /**
   * Redis to fan out through when several processes serve the site (`redis://host:6379`,
   * `rediss://` for TLS); undefined keeps the bus inside this one process. Needs databaseUrl.
   */
  redisUrl: string | undefined;
  /** Put before every name this site uses in Redis (the bus's channel is `${redisPrefix}events`): several sites on one Redis. */
  redisPrefix: string;
  /**
   * How long a start waits for PostgreSQL to accept connections (booting alongside, restarting)
   * before it gives up and exits with status 1; 0 tries once.
   */
  databaseWaitMs: number;
  /**
   * With databaseUrl: how long the group commit waits, while writes keep coming, before it takes
   * the next batch, so that a busy room's messages go in fewer, bigger commits; 0 takes each
   * turn's writes at once. A write made while the store is otherwise quiet never waits.
   */
  commitDelayMs: number;
  /**
   * Signing secret; undefined means "make one and keep it in dataDir". Several keys, comma-separated,
   * rotate it: the first signs, all of them verify.
   */
  secret: string | undefined;
  /** Origins allowed besides the site's own, e.g. `https://chat.example.com`. */
  allowedOrigins: string[];
  /** Take the client address and scheme from nginx's X-Forwarded-* headers. */
  trustProxy: boolean;
  heartbeatMs: number;
  historyLimit: number;
  maxMessageLength: number;
  /** Largest WebSocket frame, in bytes. */
  maxFrameBytes: number;
  /** Bytes a connection may have waiting to be sent; a reader slower than that is dropped. */
  maxBufferedBytes: number;
  /** Chat and DM messages a user may send per rateWindowMs; 0 turns the limit off. */
  rateLimit: number;
  rateWindowMs: number;
  /**
   * Every other frame a user's sockets send (join, leave, read, typing, history, people, ping) per
   * rateWindowMs, all tabs together; 0 turns the limit off.
   */
  frameRateLimit: number;
  /** Sign-ins per client address per minute; 0 turns the limit off. */
  signinRateLimit: number;
  /** Rooms one user may create per hour (an address may create three times as many); 0 turns the limit off. */
  roomRateLimit: number;
  /** Wrong passwords for one name per 5 minutes (an address may try three times as many, any names). */
  passwordGuessLimit: number;
  /** Rooms one user may belong to (lobby aside); 0 means no cap. */
  maxRoomsPerUser: number;
  /** Searches one user may run per minute (`GET /search`); 0 turns the limit off. */
  searchRateLimit: number;
  /** How long one search may run (ms) before it is stopped and answered 503. */
  searchTimeoutMs: number;
  /** Open TCP connections to the whole server (HTTP and WebSocket); 0 means no cap. */
  maxConnections: number;
  /** How long a client has to send a request's headers (one that sends nothing is closed then); the whole request gets twice as long. */
  headersTimeoutMs: number;
  /** Open WebSockets one user may have (tabs, devices); 0 means no cap. */
  maxConnectionsPerUser: number;
  /** Open WebSockets from one client address; 0 means no cap. */
  maxConnectionsPerAddress: number;
  /** How long an identity cookie lasts. */
  sessionMaxAgeMs: number;
  /**
   * With several processes: how soon the users of one that vanished without a goodbye (a crash)
   * are seen to leave everywhere else. Every hub says it is alive every fifth of this.
   */
  presenceTimeoutMs: number;
  /** How long after sending a message its author may edit it (ms); 0 means no limit (EDIT_WINDOW_MINUTES). */
  editWindowMs: number;
  /** Messages go to stderr as JSON lines unless quiet (tests). */
  quiet: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULTS: Config = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data',
  databaseUrl: undefined,
  redisUrl: undefined,
  redisPrefix: 'chat:',
  databaseWaitMs: 30_000,
  commitDelayMs: 2,
  secret: undefined,
  allowedOrigins: [],
  trustProxy: false,
  heartbeatMs: 30_000,
  historyLimit: 50,
  maxMessageLength: 2000,
  editWindowMs: 60 * 60 * 1000,
  maxFrameBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  rateLimit: 20,
  rateWindowMs: 10_000,
  frameRateLimit: 300,
  signinRateLimit: 60,
  roomRateLimit: 10,
  passwordGuessLimit: 10,
  maxRoomsPerUser: 200,
  searchRateLimit: 30,
  searchTimeoutMs: 1000,
  maxConnections: 10_000,
  headersTimeoutMs: 15_000,
  maxConnectionsPerUser: 20,
  maxConnectionsPerAddress: 256,
  sessionMaxAgeMs: 30 * DAY_MS,
  presenceTimeoutMs: 15_000,
  quiet: false,
};

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A number of minutes (a fraction is fine: the tests' short windows), in ms; 0 to a year. */
function minutes(env: NodeJS.ProcessEnv, key: string, fallbackMs: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallbackMs;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 366 * 24 * 60) throw new ConfigError(`${key} must be a number of minutes from 0 to ${366 * 24 * 60}, got "${raw}"`);
  return Math.round(value * 60_000);
}

function flag(env: NodeJS.ProcessEnv, key: string): boolean {
  const raw = (env[key] ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  throw new ConfigError(`${key} must be true or false, got "${env[key]}"`);
}

function origins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      try {
        return new URL(item).origin;
      } catch {
        throw new ConfigError(`ALLOWED_ORIGINS: "${item}" is not an origin such as https://chat.example.com`);
      }
    });
}

/**
 * A service's URL, or nothing when unset: `accepts` says whether it is one of that service's.
 * The refusal never repeats the value, which may hold a password.
 */
function serviceUrl(raw: string | undefined, accepts: (url: URL) => boolean, refusal: string): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Not a URL at all: said without the value.
  }
  if (!url || !accepts(url)) throw new ConfigError(refusal);
  return value;
}

/** DATABASE_URL: a postgres:// or postgresql:// URL, or nothing. */
const databaseUrl = (raw: string | undefined) =>
  serviceUrl(
    raw,
    (url) => url.protocol === 'postgres:' || url.protocol === 'postgresql:',
    'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@localhost:5432/chat',
  );

/** REDIS_URL: a redis:// or rediss:// URL with a host, or nothing. */
const redisUrl = (raw: string | undefined) =>
  serviceUrl(
    raw,
    (url) => (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '',
    'REDIS_URL must be a Redis URL such as redis://localhost:6379 (rediss:// for TLS, redis://:password@host:6379/0 with a password)',
  );

/** REDIS_PREFIX: up to 64 visible characters, no spaces, so that it reads plainly in redis-cli. */
function redisPrefix(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULTS.redisPrefix;
  if (value.length > 64 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(`REDIS_PREFIX must be 1 to 64 visible ASCII characters without spaces, such as chat: or site2:, got "${value}"`);
  }
  return value;
}

/** The keys of a SECRET (or secret file): comma- or newline-separated, the first one signing. */
export function splitKeys(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((key) => key.trim())
    .filter(Boolean);
}

/** Reads the configuration from environment variables; throws ConfigError with the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const secret = env.SECRET?.trim() || undefined;
  if (secret !== undefined && splitKeys(secret).some((key) => key.length < 16)) {
    throw new ConfigError('SECRET must be at least 16 characters long (each key, when it lists several)');
  }
  const database = databaseUrl(env.DATABASE_URL);
  const redis = redisUrl(env.REDIS_URL);
  if (redis !== undefined && database === undefined) {
    throw new ConfigError(
      'REDIS_URL needs DATABASE_URL: processes that share Redis must also share one PostgreSQL database (SQLite is a file of one process)',
    );
  }
  return {
    port: integer(env, 'PORT', DEFAULTS.port, 0, 65535),
    host: env.HOST?.trim() || DEFAULTS.host,
    dataDir: path.resolve(env.DATA_DIR?.trim() || DEFAULTS.dataDir),
    databaseUrl: database,
    redisUrl: redis,
    redisPrefix: redisPrefix(env.REDIS_PREFIX),
    databaseWaitMs: integer(env, 'DATABASE_WAIT_MS', DEFAULTS.databaseWaitMs, 0, 24 * 60 * 60 * 1000),
    commitDelayMs: integer(env, 'COMMIT_DELAY_MS', DEFAULTS.commitDelayMs, 0, 100),
    secret,
    allowedOrigins: origins(env.ALLOWED_ORIGINS),
    trustProxy: flag(env, 'TRUST_PROXY'),
    heartbeatMs: integer(env, 'HEARTBEAT_MS', DEFAULTS.heartbeatMs, 100, 24 * 60 * 60 * 1000),
    historyLimit: integer(env, 'HISTORY_LIMIT', DEFAULTS.historyLimit, 1, 100),
    maxMessageLength: integer(env, 'MAX_MESSAGE_LENGTH', DEFAULTS.maxMessageLength, 1, 60_000),
    editWindowMs: minutes(env, 'EDIT_WINDOW_MINUTES', DEFAULTS.editWindowMs),
    maxFrameBytes: integer(env, 'MAX_FRAME_BYTES', DEFAULTS.maxFrameBytes, 1024, 16 * 1024 * 1024),
    maxBufferedBytes: integer(env, 'MAX_BUFFERED_BYTES', DEFAULTS.maxBufferedBytes, 64 * 1024, 1024 * 1024 * 1024),
    rateLimit: integer(env, 'RATE_LIMIT', DEFAULTS.rateLimit, 0, 1_000_000),
    rateWindowMs: DEFAULTS.rateWindowMs,
    frameRateLimit: integer(env, 'FRAME_RATE_LIMIT', DEFAULTS.frameRateLimit, 0, 1_000_000),
    signinRateLimit: integer(env, 'SIGNIN_RATE_LIMIT', DEFAULTS.signinRateLimit, 0, 1_000_000),
    roomRateLimit: integer(env, 'ROOM_RATE_LIMIT', DEFAULTS.roomRateLimit, 0, 1_000_000),
    // Never off: a password nobody limits the guesses at is a password anyone finds.
    passwordGuessLimit: integer(env, 'PASSWORD_GUESS_LIMIT', DEFAULTS.passwordGuessLimit, 1, 1000),
    maxRoomsPerUser: integer(env, 'MAX_ROOMS_PER_USER', DEFAULTS.maxRoomsPerUser, 0, 1_000_000),
    searchRateLimit: integer(env, 'SEARCH_RATE_LIMIT', DEFAULTS.searchRateLimit, 0, 1_000_000),
    searchTimeoutMs: integer(env, 'SEARCH_TIMEOUT_MS', DEFAULTS.searchTimeoutMs, 1, 60_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', DEFAULTS.maxConnections, 0, 10_000_000),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', DEFAULTS.headersTimeoutMs, 100, 10 * 60 * 1000),
    maxConnectionsPerUser: integer(env, 'MAX_CONNECTIONS_PER_USER', DEFAULTS.maxConnectionsPerUser, 0, 1_000_000),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', DEFAULTS.maxConnectionsPerAddress, 0, 1_000_000),
    sessionMaxAgeMs: integer(env, 'SESSION_DAYS', DEFAULTS.sessionMaxAgeMs / DAY_MS, 1, 3650) * DAY_MS,
    presenceTimeoutMs: integer(env, 'PRESENCE_TIMEOUT_MS', DEFAULTS.presenceTimeoutMs, 500, 10 * 60 * 1000),
    quiet: flag(env, 'QUIET'),
  };
}
