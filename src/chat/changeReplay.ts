// The second half of a resume with `changes=` (docs/protocol.md, "The change sequence"): after the
// missed messages, one `edited` or `deleted` and/or one `reactions` for every message up to `since`
// that changed after the client's number, collapsed to its current state, in change order, paced
// like the messages. What it sends is remembered, so a live copy of a change it showed is dropped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageChange } from '../store/changes.js';
import type { Store } from '../store/store.js';
import { jsonFrame } from '../transport/frame.js';
import { changeMessage } from './changeEvents.js';
import type { Connection } from './connection.js';
import type { ReplayBudget } from './resume.js';

/** Change frames sent at a time, each batch taken from the user's replay budget. */
const CHANGES_PAGE = 500;
const WAIT_STEP_MS = 10;

export interface ChangeReplayRange {
  /** The client's number: changes after it are sent. */
  after: number;
  /** Only messages up to this id (the later ones were replayed whole). */
  upToId: number;
  rooms: string[];
  dmsOf?: string | undefined;
  highWaterBytes: number;
}

/**
 * Sends the changes, and notes in `sent` the highest change shown per message (a frame read after a
 * later commit may show more than the number the resume started from). Stops when the peer closes.
 */
export async function replayChanges(store: Store, budget: ReplayBudget, connection: Connection, range: ChangeReplayRange, sent: Map<number, number>): Promise<void> {
  const { peer } = connection;
  const changes = await store.changesSince(range.after, range.upToId, range.rooms, range.dmsOf);
  for (let start = 0; start < changes.length && peer.isOpen; start += CHANGES_PAGE) {
    const page = changes.slice(start, start + CHANGES_PAGE);
    await budget.take(connection.user.id, page.length);
    for (const change of page) {
      while (peer.isOpen && peer.bufferedBytes > range.highWaterBytes) await sleep(WAIT_STEP_MS, undefined, { ref: false });
      if (!peer.isOpen) return;
      peer.send(jsonFrame(frameFor(change, connection.user.id)));
      sent.set(change.message.id, Math.max(sent.get(change.message.id) ?? 0, change.change));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The change as this user sees it: in a DM, `with` is the other person. */
function frameFor(change: MessageChange, me: string) {
  const { message } = change;
  if (message.type === 'chat') return changeMessage(change);
  return changeMessage(change, message.user.id === me ? message.to.id : message.user.id);
}
