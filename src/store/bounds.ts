// The bounds every engine keeps, so that SQLite and PostgreSQL answer alike and cost alike: how
// far an unread count looks, what a short search reads, how many searches may wait, and how much
// one step of the background purge and of the sweep may do.
import { UNREAD_CAP } from '../shared/protocol/index.js';

/**
 * Unread counts are bounded: per room or conversation, at most the newest UNREAD_WINDOW messages
 * after the reader's marker are looked at, and at most UNREAD_CAP of them (from others) are counted.
 * A count of UNREAD_CAP therefore means "that many or more" (the page shows 999+), and a reader
 * who is 900,000 messages behind costs the same as one who is 2,000 behind. The window is wider
 * than the cap so that the reader's own messages among the newest (which never count) do not
 * hide others' in all but extreme cases (someone who wrote most of the last 2,000 messages
 * without reading any).
 */
export const UNREAD_WINDOW = 2 * UNREAD_CAP;

/** A trigram index cannot match fewer characters than this; shorter searches take the recent path. */
export const TRIGRAM = 3;
/**
 * A one- or two-character search looks at this many of the newest messages of each room in scope,
 * and of the DMs the user sent and received: read through the room and DM indexes, so its cost
 * follows the scope, never the size of the store.
 */
export const RECENT_WINDOW = 2000;
/** Whether a search takes the short path (fewer characters than a trigram). */
export const isShortSearch = (text: string): boolean => Array.from(text).length < TRIGRAM;

/**
 * Searches that may wait while those running run: with the default budget of a second each, the
 * last of them is answered within seconds; one more is refused at once (503).
 */
export const SEARCH_QUEUE_LENGTH = 8;

/** The background looks for deleted rooms' messages this often (a restart resumes where it stopped). */
export const PURGE_INTERVAL_MS = 1000;
/** Messages of deleted rooms deleted in one go: a few milliseconds with their search index entries. */
export const PURGE_CHUNK = 500;

/** The most of each kind one sweep call reads or removes: a call stays within a few milliseconds. */
export const SWEEP_LIMITS = {
  /** Oldest sessions looked at; the expired among them are removed. */
  sessions: 500,
  /** Messages read into the list of people messages name, until it has them all (SQLite). */
  messages: 10_000,
  /** Users looked at, from where the previous call stopped. */
  users: 2_000,
  /** Users removed at most. */
  removals: 200,
};
