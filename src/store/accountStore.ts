// What the account page asks of the store (docs/protocol.md, "Your account"), on either engine:
// a user's live sessions, a password set or changed, a new display name, an account deleted.
import type { StoredUser } from './store.js';

/** The name every deleted account has from then on: its messages stay, under this author. */
export const DELETED_USER_NAME = 'deleted user';

/** One live sign-in of a user, as the account page lists it. */
export interface SessionInfo {
  id: string;
  createdAt: number;
  /** A short description of the browser (identity/userAgent.ts); absent for sessions from before it was kept. */
  agent?: string;
}

/** A new display name, decided in one transaction under the name's lock as a sign-in is. */
export interface Rename {
  userId: string;
  /** The new name's key (nameKey). */
  key: string;
  name: string;
  /** Sessions made after this (and not ended) are live: a guest signed in then holds their name. */
  liveAfter: number;
}

/** Renamed (the user as kept now), or refused: the name is someone else's for good, or held by someone else signed in now. */
export type RenameOutcome = { ok: true; user: StoredUser } | { ok: false; reason: 'claimed' | 'signedIn'; holder: StoredUser };

export interface AccountStore {
  /** The user's sessions not ended and made after `liveAfter`, newest first. */
  sessionsOf(userId: string, liveAfter: number): Promise<SessionInfo[]>;
  /** The password's hash of a user (identity/passwords.ts), undefined for a guest. */
  passwordHashOf(userId: string): Promise<string | undefined>;
  /**
   * Sets (or replaces) the user's password hash and ends every other session of theirs, all but
   * `keepSession` (write): the name is theirs for good from now on.
   */
  setPassword(userId: string, passwordHash: string, keepSession: string | undefined, at: number): Promise<void>;
  /** A new display name (write): the old name is free, the new one held, unless someone else holds it. */
  renameUser(rename: Rename): Promise<RenameOutcome>;
  /**
   * Deletes an account (write): every session ended, the name free, the password, memberships and
   * read markers gone; the user stays, named DELETED_USER_NAME, as the author of their messages.
   */
  deleteUser(userId: string, at: number): Promise<void>;
}
