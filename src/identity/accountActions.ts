// What the account page does (docs/protocol.md, "Your account"), decided here and kept by the
// store: a password set (a guest claims their name) or changed (the current one needed, wrong ones
// counted like sign-in's), a new display name (the same rules as signing in), an account deleted
// (its password, or for a guest its name typed, needed). Sockets are closed by the caller.
import crypto from 'node:crypto';
import type { PasswordGuesses } from '../limits/passwordGuesses.js';
import { nameKey, type User } from '../shared/protocol/index.js';
import { DELETED_USER_NAME, type SessionInfo } from '../store/accountStore.js';
import type { Store } from '../store/store.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** A session as the page shows it: a handle (never the id the cookie carries), and whether it is this browser's. */
export interface ListedSession extends Omit<SessionInfo, 'id'> {
  handle: string;
  current: boolean;
}

/** Why a password was not taken as the user's own: none given, a wrong one, or too many wrong ones. */
export type PasswordCheck = { ok: true } | { ok: false; refused: 'currentNeeded' | 'wrongPassword' } | { ok: false; refused: 'guesses'; by: 'name' | 'address'; waitMs: number };

export type RenameAnswer = { ok: true; user: User } | { ok: false; refused: 'held' | 'claimed' | 'reserved'; holder: string };

/** The handle of a session on the page: its id hashed, so the page never shows what the cookie carries. */
export function sessionHandle(sessionId: string): string {
  return crypto.createHash('sha256').update(sessionId).digest('base64url').slice(0, 16);
}

/** Names nobody may take: the one deleted accounts show (in any spelling that looks like it). */
export function isReservedName(name: string): boolean {
  return nameKey(name) === nameKey(DELETED_USER_NAME);
}

export class AccountActions {
  constructor(
    private readonly store: Store,
    private readonly guesses: PasswordGuesses,
    /** How long a session lasts (a guest holds their name while one of theirs is this young). */
    private readonly sessionMaxAgeMs: number,
  ) {}

  /** The user's live sessions, newest first, this browser's marked. */
  async sessions(userId: string, currentSession: string | undefined, now = Date.now()): Promise<ListedSession[]> {
    return (await this.store.sessionsOf(userId, now - this.sessionMaxAgeMs)).map(({ id, ...rest }) => ({
      ...rest,
      handle: sessionHandle(id),
      current: id === currentSession,
    }));
  }

  /** The id of the user's live session with this handle, if there is one. */
  async sessionByHandle(userId: string, handle: string, now = Date.now()): Promise<string | undefined> {
    return (await this.store.sessionsOf(userId, now - this.sessionMaxAgeMs)).find((session) => sessionHandle(session.id) === handle)?.id;
  }

  /** Whether the user has a password. */
  async hasPassword(userId: string): Promise<boolean> {
    return (await this.store.passwordHashOf(userId)) !== undefined;
  }

  /**
   * Whether `given` is the user's password: always so for a guest (there is none to know); for a
   * user with one, counted as a guess at their name from `address` (a right one is given back).
   */
  async checkPassword(user: User, given: string | undefined, address: string): Promise<PasswordCheck> {
    const hash = await this.store.passwordHashOf(user.id);
    if (hash === undefined) return { ok: true };
    if (given === undefined) return { ok: false, refused: 'currentNeeded' };
    const guess = await this.guesses.take(nameKey(user.name), address);
    if (!guess.ok) return { ok: false, refused: 'guesses', by: guess.by, waitMs: guess.waitMs };
    if (!(await verifyPassword(given, hash))) return { ok: false, refused: 'wrongPassword' };
    guess.right();
    return { ok: true };
  }

  /** Sets the password (checked by the caller) and ends every other session of the user's. */
  async setPassword(userId: string, password: string, keepSession: string | undefined, now = Date.now()): Promise<void> {
    await this.store.setPassword(userId, await hashPassword(password), keepSession, now);
  }

  /** A new display name (checkUserName allowed it), unless someone else holds it or it is reserved. */
  async rename(user: User, name: string, now = Date.now()): Promise<RenameAnswer> {
    if (isReservedName(name)) return { ok: false, refused: 'reserved', holder: name };
    const outcome = await this.store.renameUser({ userId: user.id, key: nameKey(name), name, liveAfter: now - this.sessionMaxAgeMs });
    if (!outcome.ok) return { ok: false, refused: outcome.reason === 'claimed' ? 'claimed' : 'held', holder: outcome.holder.name };
    const { id, image } = outcome.user;
    return { ok: true, user: { id, name: outcome.user.name, image } };
  }

  /** Deletes the account (checked by the caller): sessions ended, name free, messages kept under "deleted user". */
  async deleteAccount(userId: string, now = Date.now()): Promise<void> {
    await this.store.deleteUser(userId, now);
  }
}
