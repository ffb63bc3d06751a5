import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Cookies from 'cookies';
import { normalizeUserName, type User } from './shared/protocol.js';
import type { Store } from './store/store.js';

export const USER_COOKIE = 'user';
export const SESSION_COOKIE = 'sid';

export interface IdentityOptions {
  keys: string[];
  store: Store;
  maxAgeMs: number;
}

// Reading a signed cookie may ask to clear a bad signature; on an upgrade there is no response to
// carry that, so it goes nowhere.
const NO_RESPONSE = { getHeader: () => undefined, setHeader: () => undefined } as unknown as ServerResponse;

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

/**
 * A user id: the UUID version 7 layout, 48 bits of milliseconds then 74 random bits. Ids made
 * close in time sort close together, so the store's indexes keyed by user (users, sessions, read
 * markers) grow at their end instead of at a random page per sign-in; uniqueness rests on the
 * random bits as with any UUID.
 */
export function newUserId(now = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  randomBytes(10).copy(bytes, 6);
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A session id: 48 bits of milliseconds (for the same index locality) and 144 random bits, base64url. */
function newSessionId(now: number): string {
  const bytes = Buffer.allocUnsafe(24);
  bytes.writeUIntBE(now, 0, 6);
  randomBytes(18).copy(bytes, 6);
  return bytes.toString('base64url');
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
    if (!req.headers.cookie) return null;
    // Verifying with every key lets a rotated-out key keep working until it is removed.
    const cookies = new Cookies(req, NO_RESPONSE, { keys: this.keys });
    const value = cookies.get(USER_COOKIE, { signed: true });
    if (!value) return null;
    const claimed = decodeUser(value);
    if (!claimed) return null;
    const known = this.store.getUser(claimed.id);
    const sessionId = cookies.get(SESSION_COOKIE, { signed: true });
    if (sessionId) {
      const session = this.store.getSession(sessionId);
      if (!known || !session || session.userId !== known.id || session.endedAt !== undefined) return null;
      if (session.createdAt + this.maxAgeMs <= now) return null;
      return { user: { id: known.id, name: known.name, image: known.image }, sessionId };
    }
    // No session cookie: a sign-in here always sets one, so a user who has sessions must show one
    // (a copied `user` cookie without it is no identity).
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
