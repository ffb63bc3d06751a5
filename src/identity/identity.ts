import type { IncomingMessage, ServerResponse } from 'node:http';
import Cookies from 'cookies';
import { nameKey, type User } from '../shared/protocol/index.js';
import { cookieAttributes, decodeUser, encodeUser, readSignedCookie } from './cookies.js';
import { userIdTime } from './ids.js';
import { holdsName, type Store } from '../store/store.js';

export const USER_COOKIE = 'user';
export const SESSION_COOKIE = 'sid';

export interface IdentityOptions {
  keys: string[];
  store: Store;
  maxAgeMs: number;
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
  async identify(req: IncomingMessage, now = Date.now()): Promise<Identified | null> {
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
      const session = await this.store.getSession(sessionId);
      if (!session || session.user.id !== claimed.id || session.endedAt !== undefined) return null;
      if (session.createdAt + this.maxAgeMs <= now) return null;
      const known = session.user;
      return { user: { id: known.id, name: known.name, image: known.image }, sessionId };
    }
    // No session cookie: a sign-in here always sets one, so a user who has sessions must show one
    // (a copied `user` cookie without it is no identity).
    const known = await this.store.getUser(claimed.id);
    if (!known) {
      // A user made here longer ago than a cookie lasts, and since removed by the upkeep: gone for good.
      const made = userIdTime(claimed.id);
      if (made !== undefined && made + this.maxAgeMs <= now) return null;
      // Signed by our key but unknown to this store (a store made anew with the same SECRET): kept,
      // unless someone here holds that name now (an account, or a guest signed in): then it signs in anew.
      const holder = await this.store.nameHolder(nameKey(claimed.name), now - this.maxAgeMs);
      if (holdsName(holder) && holder.user.id !== claimed.id) return null;
      await this.store.addUser(claimed, now);
      return { user: claimed, sessionId: undefined };
    }
    // A deleted account is nobody (docs/protocol.md, "Your account"), whatever cookie names it.
    if (known.deleted || known.createdAt + this.maxAgeMs <= now || (await this.store.hasSessions(known.id))) return null;
    return { user: { id: known.id, name: known.name, image: known.image }, sessionId: undefined };
  }

  async parseUser(req: IncomingMessage, now = Date.now()): Promise<User | null> {
    return (await this.identify(req, now))?.user ?? null;
  }

  /**
   * Sets the cookies of a sign-in the store has recorded (NameSignIns, nameSignIn.ts, made the user
   * and the session, committed before the cookies name them); `secure` over https.
   */
  setCookies(req: IncomingMessage, res: ServerResponse, user: User, sessionId: string, secure: boolean): void {
    const cookies = new Cookies(req, res, { keys: this.keys, secure });
    const options = { ...cookieAttributes(secure), maxAge: this.maxAgeMs };
    cookies.set(USER_COOKIE, encodeUser(user), options);
    cookies.set(SESSION_COOKIE, sessionId, options);
  }

  /** Ends one session on the server (the one a new sign-in in the same browser replaces). */
  async endSession(sessionId: string, now = Date.now()): Promise<void> {
    await this.store.endSession(sessionId, now);
  }

  /** Ends this request's session on the server (or all of the user's) and clears its cookies. */
  async signOut(req: IncomingMessage, res: ServerResponse, secure: boolean, everywhere = false): Promise<Identified | null> {
    const identified = await this.identify(req);
    const now = Date.now();
    if (identified && everywhere) await this.store.endSessionsOf(identified.user.id, now);
    else if (identified?.sessionId) await this.store.endSession(identified.sessionId, now);
    const cookies = new Cookies(req, res, { keys: this.keys, secure });
    cookies.set(USER_COOKIE, null, cookieAttributes(secure));
    cookies.set(SESSION_COOKIE, null, cookieAttributes(secure));
    return identified;
  }
}
