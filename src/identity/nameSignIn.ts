// Signing in by name (docs/protocol.md, "Names"): who the sign-in is, and when it is refused. A
// free name makes a new user (a fresh id, as a guest), and with a password claims the name for
// good. A name someone else holds is refused: with a password (theirs for good) unless the right
// one is given, counted per name and per address; as a guest signed in now, always (409). The
// holder signing in again from their own browser (its cookie) stays who they are, and may add a
// password then. Whether the name is still free is decided again in the store's transaction.
import type { PasswordGuesses } from '../limits/passwordGuesses.js';
import { nameKey, type User } from '../shared/protocol/index.js';
import { holdsName, type Store, type StoredUser } from '../store/store.js';
import { newSessionId } from './ids.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { newUser } from './users.js';

export interface NameSignInRequest {
  /** A name checkUserName allowed. */
  name: string;
  /** A password of the allowed length, or none. */
  password: string | undefined;
  /** Who the request's cookie says it is (the holder, perhaps), or null. */
  current: User | null;
  /** The client address, for the guesses' count. */
  address: string;
  /** A short description of the browser (userAgent.ts), kept with the session. */
  agent?: string;
  now?: number;
}

export type NameSignInAnswer =
  | { ok: true; user: User; sessionId: string }
  /** The name is kept with a password, and none (or not its own) was given. */
  | { ok: false; refused: 'passwordNeeded' | 'wrongPassword'; holder: string }
  /** Someone else signed in now holds the name (as `holder`). */
  | { ok: false; refused: 'held'; holder: string }
  /** A moderator removed the person of that name (as `holder`): nobody signs in with it until restored. */
  | { ok: false; refused: 'removed'; holder: string }
  /** Too many wrong passwords for the name, or from the address. */
  | { ok: false; refused: 'guesses'; by: 'name' | 'address'; waitMs: number };

const asUser = ({ id, name, image }: User | StoredUser): User => ({ id, name, image });

export class NameSignIns {
  constructor(
    private readonly store: Store,
    private readonly guesses: PasswordGuesses,
    /** How long a session lasts: a guest's name is held while one of theirs is this young and not ended. */
    private readonly sessionMaxAgeMs: number,
  ) {}

  /** Whether a sign-in with the name would get it now: nobody holds it, or only a guest who is signed out. */
  async isFree(name: string, now = Date.now()): Promise<boolean> {
    const holder = await this.store.nameHolder(nameKey(name), now - this.sessionMaxAgeMs);
    return !holdsName(holder);
  }

  async signIn({ name, password, current, address, agent, now = Date.now() }: NameSignInRequest): Promise<NameSignInAnswer> {
    const key = nameKey(name);
    const liveAfter = now - this.sessionMaxAgeMs;
    const removed = await this.store.moderation.removedByKey(key);
    if (removed) return { ok: false, refused: 'removed', holder: removed.name };
    const holder = await this.store.nameHolder(key, liveAfter);
    const theirs = holder !== undefined && current?.id === holder.user.id;
    let user: User;
    let passwordHash: string | undefined;
    if (holder?.passwordHash !== undefined) {
      // Theirs for good: the password, unless their own browser asks without one.
      if (!theirs || password !== undefined) {
        if (password === undefined) return { ok: false, refused: 'passwordNeeded', holder: holder.user.name };
        const guess = await this.guesses.take(key, address);
        if (!guess.ok) return { ok: false, refused: 'guesses', by: guess.by, waitMs: guess.waitMs };
        if (!(await verifyPassword(password, holder.passwordHash))) return { ok: false, refused: 'wrongPassword', holder: holder.user.name };
        guess.right();
      }
      user = asUser(holder.user);
    } else if (holder?.signedIn && !theirs) {
      return { ok: false, refused: 'held', holder: holder.user.name };
    } else {
      // Free, or free again (the guest who held it is signed out everywhere), or the holder's own browser.
      user = theirs ? asUser(holder.user) : newUser(name);
      if (password !== undefined) passwordHash = await hashPassword(password);
    }
    const sessionId = newSessionId(now);
    const outcome = await this.store.signInByName({
      key,
      user,
      sessionId,
      at: now,
      liveAfter,
      ...(passwordHash === undefined ? {} : { passwordHash }),
      ...(agent === undefined ? {} : { agent }),
    });
    if (!outcome.ok) {
      // Taken meanwhile, on this process or another.
      return outcome.reason === 'claimed'
        ? { ok: false, refused: 'passwordNeeded', holder: outcome.holder.name }
        : { ok: false, refused: 'held', holder: outcome.holder.name };
    }
    // Where they signed in from, for a moderator's "block this person's address"; and the first
    // account of a site without an owner is its owner (a guest never is).
    await Promise.all([
      this.store.moderation.noteAddress(outcome.user.id, address, now),
      passwordHash === undefined ? undefined : this.store.moderation.ownFreshSite(outcome.user.id, now),
    ]);
    return { ok: true, user: asUser(outcome.user), sessionId };
  }
}
