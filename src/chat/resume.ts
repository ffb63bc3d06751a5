// Replaying what a connection missed (`?since=` on connect, `join` with `since`).
import type { StoredMessage } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import type { Connection } from './connection.js';

/** Messages read from the store at a time when replaying a resume. */
export const RESUME_PAGE = 500;

/**
 * Sends every message after `since` in the rooms (and with `dmsOf` that user's DMs), in id order,
 * a page at a time, so that a resume from far back holds one page in memory. A reader that cannot
 * take it all is dropped at the buffer cap like any other slow reader, and its next resume starts
 * from the last message it got.
 */
export function replay(
  store: Store,
  connection: Connection,
  send: (message: StoredMessage) => void,
  since: number,
  rooms: string[],
  dmsOf?: string,
): void {
  let after = since;
  for (;;) {
    const page = store.messagesSince(after, rooms, dmsOf, RESUME_PAGE);
    for (const message of page) send(message);
    const last = page.at(-1);
    if (!last || page.length < RESUME_PAGE || !connection.peer.isOpen) return;
    after = last.id;
  }
}
