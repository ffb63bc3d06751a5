import type { IncomingMessage, ServerResponse } from 'node:http';
import Cookies from 'cookies';
import { normalizeUserName, type User } from './shared/protocol.js';
import type { Store } from './store/store.js';

export const USER_COOKIE = 'user';

export interface IdentityOptions {
  keys: string[];
  store: Store;
  maxAgeMs: number;
}

// Reading a signed cookie may ask to clear a bad signature; on an upgrade there is no response to
// carry that, so it goes nowhere.
const NO_RESPONSE = { getHeader: () => undefined, setHeader: () => undefined } as unknown as ServerResponse;

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

/**
 * The one place that issues and reads the identity cookie: base64 of the user's JSON, signed by
 * the `cookies` package (a second `user.sig` cookie). Koa and the WebSocket upgrade both call
 * `parseUser`.
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

  /** The signed-in user of a request, or null: unsigned, altered, malformed or expired cookies are no identity. */
  parseUser(req: IncomingMessage, now = Date.now()): User | null {
    const value = new Cookies(req, NO_RESPONSE, { keys: this.keys }).get(USER_COOKIE, { signed: true });
    if (!value) return null;
    const user = decodeUser(value);
    if (!user) return null;
    const known = this.store.getUser(user.id);
    if (!known) {
      // Signed by our key but unknown to this store (a store made anew with the same SECRET): keep it.
      this.store.addUser(user, now);
      return user;
    }
    if (known.createdAt + this.maxAgeMs <= now) return null;
    return { id: known.id, name: known.name, image: known.image };
  }

  /** Sets the cookie pair for a newly signed-in user; `secure` when the site is reached over https. */
  signIn(req: IncomingMessage, res: ServerResponse, user: User, secure: boolean): void {
    new Cookies(req, res, { keys: this.keys, secure }).set(USER_COOKIE, encodeUser(user), {
      ...cookieAttributes(secure),
      maxAge: this.maxAgeMs,
    });
  }

  signOut(req: IncomingMessage, res: ServerResponse, secure: boolean): void {
    new Cookies(req, res, { keys: this.keys, secure }).set(USER_COOKIE, null, cookieAttributes(secure));
  }
}
