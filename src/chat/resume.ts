// Replaying what a connection missed (`?since=` on connect, `join` with `since`), paced: a page
// at a time, each on its own turn of the event loop, only while the reader keeps up, and within
// a budget of messages per user per second. A replay from the very beginning of a big room is
// then a slow stream to the one who asked for it, never a stall for everyone else.
import { setTimeout as sleep } from 'node:timers/promises';
import { conversationKey, type StoredMessage } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import { jsonFrame } from '../transport/frame.js';
import type { Connection } from './connection.js';
import { replayChanges } from './changeReplay.js';
import type { Coverage } from './sendQueue.js';

/** Messages read from the store at a time when replaying. */
export const RESUME_PAGE = 500;
/** A replay waits while more than this is written to its reader and not yet read. */
export const REPLAY_HIGH_WATER_BYTES = 256 * 1024;
/** Each user may be replayed this many messages at once, then REPLAY_PER_SECOND. */
export const REPLAY_BURST = 10_000;
export const REPLAY_PER_SECOND = 5_000;
/** How often a waiting replay looks again. */
const WAIT_STEP_MS = 10;

/** Replayed messages per user: a token bucket, so repeated replays share one allowance. */
export class ReplayBudget {
  private readonly tokens = new Map<string, { left: number; at: number }>();

  constructor(
    private readonly burst = REPLAY_BURST,
    private readonly perSecond = REPLAY_PER_SECOND,
  ) {}

  /** Waits until `n` messages may be replayed to the user, and takes them. */
  async take(userId: string, n: number): Promise<void> {
    for (;;) {
      const bucket = this.refilled(userId);
      if (bucket.left >= n) {
        bucket.left -= n;
        return;
      }
      await sleep(Math.max(WAIT_STEP_MS, ((n - bucket.left) / this.perSecond) * 1000), undefined, { ref: false });
    }
  }

  /** Gives back what a short page did not use. */
  refund(userId: string, n: number): void {
    const bucket = this.refilled(userId);
    bucket.left = Math.min(this.burst, bucket.left + n);
  }

  /** Forgets users whose allowance is whole again. */
  sweep(now = Date.now()): void {
    for (const [userId, bucket] of this.tokens) if (bucket.left + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.tokens.delete(userId);
  }

  private refilled(userId: string, now = Date.now()): { left: number; at: number } {
    let bucket = this.tokens.get(userId);
    if (!bucket) this.tokens.set(userId, (bucket = { left: this.burst, at: now }));
    bucket.left = Math.min(this.burst, bucket.left + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    return bucket;
  }
}

/** Where a client resumes from: the last message id it saw, and (if it keeps them) the last change number. */
export interface ResumePoint {
  since: number;
  changes?: number | undefined;
}

/**
 * Sends every message after `since` in the rooms (and with `dmsOf` that user's DMs), in id order,
 * straight to the peer, then with `changes` every change after it to the older messages
 * (changeReplay.ts); the connection's other frames wait behind it (see sendQueue.ts), the `unread`
 * counts and a joined room's `list` among them. Returns what it covered, so a live copy of a
 * message or change it already sent is not sent again.
 */
export async function replay(
  store: Store,
  budget: ReplayBudget,
  connection: Connection,
  { since, changes }: ResumePoint,
  rooms: string[],
  dmsOf?: string,
): Promise<Coverage> {
  const { peer } = connection;
  // Read first: every change up to it is committed before the reads below, so they show it
  // (messages with their current state, older ones by changesSince); a live copy of one is dropped.
  const changesUpTo = changes === undefined ? undefined : await store.lastChange();
  const sent = new Map<number, number>();
  let after = since;
  for (;;) {
    await budget.take(connection.user.id, RESUME_PAGE);
    if (!peer.isOpen) break;
    const page: StoredMessage[] = await store.messagesSince(after, rooms, dmsOf, RESUME_PAGE);
    budget.refund(connection.user.id, RESUME_PAGE - page.length);
    for (const message of page) {
      while (peer.isOpen && peer.bufferedBytes > REPLAY_HIGH_WATER_BYTES) await sleep(WAIT_STEP_MS, undefined, { ref: false });
      if (!peer.isOpen) break;
      peer.send(jsonFrame(message));
      if (message.change !== undefined) sent.set(message.id, message.change);
      after = message.id;
    }
    if (page.length < RESUME_PAGE || !peer.isOpen) break;
    // The next page on a later turn: whatever else is waiting runs first.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // What it covers: up to the last message it sent, or, when there was none, up to what exists
  // (a `since` past the newest message covers nothing said after it).
  const upTo = after > since ? after : Math.min(since, await store.lastMessageId());
  const scopes = [...rooms.map((room) => conversationKey({ room })), ...(dmsOf === undefined ? [] : [DM_SCOPE])];
  if (changes === undefined || changesUpTo === undefined || !peer.isOpen) return { scopes, upTo };
  await replayChanges(store, budget, connection, { after: changes, upToId: since, rooms, dmsOf, highWaterBytes: REPLAY_HIGH_WATER_BYTES }, sent);
  return { scopes, upTo, changes: { upTo: changesUpTo, sent } };
}

/** The scope of every DM in a replay that covers a user's DMs. */
export const DM_SCOPE = 'dm';
