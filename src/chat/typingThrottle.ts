import { conversationKey, type Conversation } from '../shared/protocol/index.js';

/**
 * The server's half of "X is typing…": at most one notice per user per room or conversation in
 * each interval, the ones in between dropped without an answer. Sending a message there starts
 * afresh, so beginning the next message shows at once, as the page's own throttle does.
 */
export class TypingThrottle {
  /** "<user id>\n<conversation key>" → when the last notice went out. */
  private readonly lastSent = new Map<string, number>();

  constructor(readonly intervalMs: number) {}

  /** Whether a notice may go out now; if it may, the interval starts now. */
  take(userId: string, about: Conversation, now = Date.now()): boolean {
    const key = keyOf(userId, about);
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastSent.set(key, now);
    return true;
  }

  /** The user sent a message there: their next notice goes out whenever it comes. */
  reset(userId: string, about: Conversation): void {
    this.lastSent.delete(keyOf(userId, about));
  }

  /** Forgets intervals that are over, so memory follows the people typing now. */
  sweep(now = Date.now()): void {
    for (const [key, last] of this.lastSent) if (now - last >= this.intervalMs) this.lastSent.delete(key);
  }
}

function keyOf(userId: string, about: Conversation): string {
  return `${userId}\n${conversationKey(about)}`;
}
