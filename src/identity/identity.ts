import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Cookies from 'cookies';
import { normalizeUserName, type User } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';

export const USER_COOKIE = 'user';
export const SESSION_COOKIE = 'sid';

export interface IdentityOptions {
  keys: string[];
  store: Store;
  maxAgeMs: number;
}

/**
 * Random bytes from a pool refilled 4 KiB at a time by the CSPRNG, as Node's own `randomUUID`
 * does: one call into OpenSSL per ~200 sign-ins instead of two per sign-in. The slice is copied
 * out at once (into a string) by every caller.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomBytes(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = crypto.randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

/** base64url's 64 characters in ASCII order, so that ids compare as their bytes do. */
const SORTED_BASE64 = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const TO_SORTED = new Map([...BASE64URL].map((char, i) => [char, SORTED_BASE64[i] as string]));

/**
 * A user id: 20 characters, 48 bits of milliseconds then 72 random bits (as many as a UUID v7
 * has, near enough), in a base64 alphabet that sorts in time order. Ids made close in time sort
 * close together, so the store's indexes keyed by user (users, sessions, read markers) grow at
 * their end instead of at a random page per sign-in. Short because every `list` and `presence`
 * frame carries one per person: a 36-character UUID made a 5,000-person list 20 % larger.
 */
export function newUserId(now = Date.now()): string {
  const bytes = Buffer.allocUnsafe(15);
  bytes.writeUIntBE(now, 0, 6);
  randomBytes(9).copy(bytes, 6);
  let id = '';
  for (const char of bytes.toString('base64url')) id += TO_SORTED.get(char);
  return id;
}

/** A session id: 48 bits of milliseconds (for the same index locality) and 144 random bits, base64url. */
function newSessionId(now: number): string {
  const bytes = Buffer.allocUnsafe(24);
  bytes.writeUIntBE(now, 0, 6);
  randomBytes(18).copy(bytes, 6);
  return bytes.toString('base64url');
}

const cookiePatterns = new Map<string, RegExp>();

/** A cookie's value as the `cookies` package reads it: the first `name=`, surrounding quotes dropped. */
function cookieValue(header: string, name: string): string | undefined {
  let pattern = cookiePatterns.get(name);
  if (!pattern) cookiePatterns.set(name, (pattern = new RegExp(`(?:^|;) *${name.replace(/[.]/g, '\\.')}=([^;]*)`)));
  const value = pattern.exec(header)?.[1];
  return value?.[0] === '"' ? value.slice(1, -1) : value;
}

/**
 * The value of a cookie the `cookies` package signed (`name.sig` is keygrip's HMAC-SHA1 of
 * `name=value`, base64url) with one of `keys`, else undefined. One HMAC per key and a
 * constant-time compare: every upgrade runs this twice, and `cookies` spends three HMACs and a
 * fresh random key (tsscmp) per check.
 */
export function readSignedCookie(header: string, name: string, keys: readonly string[]): string | undefined {
  const value = cookieValue(header, name);
  const signature = cookieValue(header, `${name}.sig`);
  if (!value || !signature) return undefined;
  const given = Buffer.from(signature);
  for (const key of keys) {
    const expected = Buffer.from(crypto.createHmac('sha1', key).update(`${name}=${value}`).digest('base64url'));
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return value;
  }
  return undefined;
}

function cookieAttributes(secure: boolean): Cookies.SetOption {
  return { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure };
}

function encodeUser(user: User): string {
  return Buffer.from(JSON.stringify({ id: user.id, name: user.name, image: user.image }), 'utf8').toString('base64');
}

function decodeUser(value: string): User | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { id, name, image } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) return null;
  if (typeof name !== 'string' || normalizeUserName(name) !== name) return null;
  if (typeof image !== 'number' || !Number.isInteger(image)) return null;
  return { id, name, image };
}

/** Who a request is: the user, and the sign-in (session) its cookie belongs to. */
export interface Identified {
  user: User;
  /** Undefined only for a cookie signed with our key but never issued by a sign-in here. */
  sessionId: string | undefined;
}

/**
 * The one place that issues and reads the identity cookies: `user` is base64 of the user's JSON,
 * `sid` the sign-in's session id, both signed by the `cookies` package (`user.sig`, `sid.sig`).
 * Koa and the WebSocket upgrade both call `identify`. Ending a session in the store ends every
 * copy of its cookies.
 */
export class Identity {
  private readonly keys: string[];
  private readonly store: Store;
  private readonly maxAgeMs: number;

  constructor(options: IdentityOptions) {
    if (options.keys.length === 0) throw new Error('Identity needs at least one signing key');
    this.keys = options.keys;
    this.store = options.store;
    this.maxAgeMs = options.maxAgeMs;
  }

  /**
   * The signed-in user of a request, or null: unsigned, altered, malformed or expired cookies
   * are no identity, and neither is a session that was signed out.
   */
  identify(req: IncomingMessage, now = Date.now()): Identified | null {
    const header = req.headers.cookie;
    if (!header) return null;
    // Verifying with every key lets a rotated-out key keep working until it is removed.
    const value = readSignedCookie(header, USER_COOKIE, this.keys);
    if (!value) return null;
    const claimed = decodeUser(value);
    if (!claimed) return null;
    const sessionId = readSignedCookie(header, SESSION_COOKIE, this.keys);
    if (sessionId) {
      // The user as the store knows them, with the session: one read.
      const session = this.store.getSession(sessionId);
      if (!session || session.user.id !== claimed.id || session.endedAt !== undefined) return null;
      if (session.createdAt + this.maxAgeMs <= now) return null;
      const known = session.user;
      return { user: { id: known.id, name: known.name, image: known.image }, sessionId };
    }
    // No session cookie: a sign-in here always sets one, so a user who has sessions must show one
    // (a copied `user` cookie without it is no identity).
    const known = this.store.getUser(claimed.id);
    if (!known) {
      // Signed by our key but unknown to this store (a store made anew with the same SECRET): keep it.
      this.store.addUser(claimed, now);
      return { user: claimed, sessionId: undefined };
    }
    if (this.store.hasSessions(known.id) || known.createdAt + this.maxAgeMs <= now) return null;
    return { user: { id: known.id, name: known.name, image: known.image }, sessionId: undefined };
  }

  parseUser(req: IncomingMessage, now = Date.now()): User | null {
    return this.identify(req, now)?.user ?? null;
  }

  /** Starts a session for a newly signed-in user and sets its cookies; `secure` over https. */
  signIn(req: IncomingMessage, res: ServerResponse, user: User, secure: boolean, now = Date.now()): string {
    const sessionId = newSessionId(now);
    this.store.addSession(sessionId, user.id, now);
    const cookies = new Cookies(req, res, { keys: this.keys, secure });
    const options = { ...cookieAttributes(secure), maxAge: this.maxAgeMs };
    cookies.set(USER_COOKIE, encodeUser(user), options);
    cookies.set(SESSION_COOKIE, sessionId, options);
    return sessionId;
  }

  /** Ends this request's session on the server (or all of the user's) and clears its cookies. */
  signOut(req: IncomingMessage, res: ServerResponse, secure: boolean, everywhere = false): Identified | null {
    const identified = this.identify(req);
    const now = Date.now();
    if (identified && everywhere) this.store.endSessionsOf(identified.user.id, now);
    else if (identified?.sessionId) this.store.endSession(identified.sessionId, now);
    const cookies = new Cookies(req, res, { keys: this.keys, secure });
    cookies.set(USER_COOKIE, null, cookieAttributes(secure));
    cookies.set(SESSION_COOKIE, null, cookieAttributes(secure));
    return identified;
  }
}
