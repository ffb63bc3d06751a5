// Ending sign-ins on every process at once: the store ends them (a copied cookie stops working
// too), then the bus tells every hub to close their sockets, which go to the sign-in page.
// Shared by sign-out, the account page, and whatever else must end someone's sessions.
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import type { Hub } from './hub.js';

/** Closes the sockets of these sessions of the user, on every process (the store has ended them). */
export function closeSessions(hub: Hub, userId: string, sessionIds: Iterable<string>): void {
  for (const sessionId of sessionIds) hub.disconnectUser(userId, CloseCode.INVALID_USER, CloseReason.SIGNED_OUT, sessionId);
}

/** Ends one session of the user and closes its sockets everywhere; the others stay. */
export async function endSessionEverywhere(store: Store, hub: Hub, userId: string, sessionId: string, at = Date.now()): Promise<void> {
  await store.endSession(sessionId, at);
  closeSessions(hub, userId, [sessionId]);
}

/** Ends every session of the user and closes all their sockets everywhere. */
export async function endUserEverywhere(store: Store, hub: Hub, userId: string, at = Date.now()): Promise<void> {
  await store.endSessionsOf(userId, at);
  hub.disconnectUser(userId, CloseCode.INVALID_USER, CloseReason.SIGNED_OUT);
}
