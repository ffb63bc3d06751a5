// What moderation keeps (schema version 4 on either engine): who is an owner or a moderator, the
// people removed (by name key), the addresses blocked until a time, the rooms locked, where each
// person last signed in from, and the log of every action. The `ModerationStore` seam, kept apart
// from `Store`'s own methods so that both engines compose it from one small module each.
import type { StoredMessage, User } from '../shared/protocol/index.js';

/** An owner makes and unmakes moderators; both may moderate. Only accounts (a claimed name) have one. */
export type Role = 'owner' | 'moderator';

export interface StaffMember {
  user: User;
  role: Role;
  grantedAt: number;
}

/** Someone removed by a moderator: their name (by its key) cannot sign in until restored. */
export interface RemovedPerson {
  userId: string;
  name: string;
  removedAt: number;
}

export interface AddressBlock {
  /** The address key (web/clientAddress.ts), as the per-address limits count it. */
  address: string;
  until: number;
  blockedAt: number;
}

export interface RoomLock {
  room: string;
  lockedAt: number;
}

export type ModerationAction =
  | 'grant_owner'
  | 'revoke_owner'
  | 'grant_moderator'
  | 'revoke_moderator'
  | 'delete_message'
  | 'remove'
  | 'restore'
  | 'block'
  | 'unblock'
  | 'lock'
  | 'unlock';

/** One line of the moderation log: who did what to whom or which, when. */
export interface LogEntry {
  id: number;
  at: number;
  /** The actor as they were named then; `id` absent for the operator's command line. */
  actor: { id?: string; name: string };
  action: ModerationAction;
  /** Whom or which: a name, an address, a room, a message id. */
  target: string;
  /** More about it, never a deleted message's text: its room, a block's end. */
  detail?: string;
}

export type NewLogEntry = Omit<LogEntry, 'id'>;

/**
 * The moderation tables. Writes resolve once committed (with the turn's other writes, as `Store`'s
 * do): an action and its log entry written in one turn commit together.
 */
export interface ModerationStore {
  roleOf(userId: string): Promise<Role | undefined>;
  /** Gives the user a role, or takes theirs away (undefined) (write). */
  setRole(userId: string, role: Role | undefined, at: number): Promise<void>;
  /** Owners and moderators, owners first, then by when they were made so. */
  staff(): Promise<StaffMember[]>;
  /**
   * Makes the user the site's owner when the site has no owner and no other account (write): the
   * first account of a fresh site. True when it did.
   */
  ownFreshSite(userId: string, at: number): Promise<boolean>;

  /** A message by id, room chat or DM. */
  message(id: number): Promise<StoredMessage | undefined>;

  /** Removes a person (write): their name's key cannot sign in until `restore`. Their sessions are `Store.endSessionsOf`'s. */
  remove(person: { userId: string; key: string; name: string }, at: number): Promise<void>;
  /** Lets a removed person sign in again (write); false when they were not removed. */
  restore(userId: string): Promise<boolean>;
  /** The removed person whose name has this key, if any. */
  removedByKey(key: string): Promise<RemovedPerson | undefined>;
  removedPeople(): Promise<RemovedPerson[]>;

  /** Blocks an address until `until` (write), replacing a block it had. */
  block(address: string, until: number, at: number): Promise<void>;
  /** Lifts a block (write); false when there was none. */
  unblock(address: string): Promise<boolean>;
  /** When the address's block ends, if it is blocked at `now`. */
  blockedUntil(address: string, now: number): Promise<number | undefined>;
  /** The blocks in force at `now`, the latest ending last. */
  blocks(now: number): Promise<AddressBlock[]>;

  /** Locks a room (its canonical name) (write); false when it was locked already. */
  lock(room: string, at: number): Promise<boolean>;
  /** Unlocks a room (write); false when it was not locked. */
  unlock(room: string): Promise<boolean>;
  lockedRooms(): Promise<RoomLock[]>;

  /** Where the user last signed in from (write): what "block this person's address" blocks. */
  noteAddress(userId: string, address: string, at: number): Promise<void>;
  lastAddress(userId: string): Promise<string | undefined>;

  /** Adds a line to the log (write). */
  record(entry: NewLogEntry): Promise<void>;
  /** The log, newest first: `limit` lines with ids below `before`. */
  log(before: number | undefined, limit: number): Promise<LogEntry[]>;
}

/** A log row as both engines read it. */
export interface LogRow {
  id: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string;
  detail: string | null;
}

export function toLogEntry(row: LogRow): LogEntry {
  const actor = row.actor_id === null ? { name: row.actor_name } : { id: row.actor_id, name: row.actor_name };
  const entry: LogEntry = { id: row.id, at: row.at, actor, action: row.action as ModerationAction, target: row.target };
  if (row.detail !== null) entry.detail = row.detail;
  return entry;
}

/** The values of a new log row, in the order both engines' INSERT takes them. */
export function logValues(entry: NewLogEntry): unknown[] {
  return [entry.at, entry.actor.id ?? null, entry.actor.name, entry.action, entry.target, entry.detail ?? null];
}
