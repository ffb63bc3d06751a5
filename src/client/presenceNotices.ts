// The "X joined" and "X left" lines of a conversation, without the noise of reloads, restarts and
// flaky networks (as Campfire): someone who goes is written as gone only once they have been away
// for DEPARTURE_GRACE_MS, and not at all if they came back meanwhile; someone who comes back within
// it, or who was there before this page's own reconnect, is no news either. Who is in the room (the
// people list, its count) always follows the server at once: only the lines wait.
import type { User } from '../shared/protocol/index.js';
import { t } from './i18n.js';
import { addNotice } from './messageList.js';
import { me, type View } from './state.js';

/** How long someone must have been gone before the room reads that they left. */
export const DEPARTURE_GRACE_MS = 45_000;

/** Departures not written yet, by view key and user id: the line waits for the grace to pass. */
const away = new Map<string, ReturnType<typeof setTimeout>>();

const keyOf = (view: View, userId: string) => `${view.key}\n${userId}`;

/** Someone left the room: a line later, unless they are back by then. */
export function departed(view: View, user: User): void {
  const key = keyOf(view, user.id);
  if (user.id === me.id || away.has(key)) return;
  away.set(
    key,
    setTimeout(() => {
      away.delete(key);
      if (!view.users.has(user.id)) addNotice(view, t('notice.left', { name: user.name }));
    }, DEPARTURE_GRACE_MS),
  );
}

/** Someone arrived: a line only when it is news (not a return within the grace). */
export function arrived(view: View, user: User): void {
  const key = keyOf(view, user.id);
  const pending = away.get(key);
  if (pending !== undefined) {
    clearTimeout(pending);
    away.delete(key);
    return;
  }
  if (user.id !== me.id) addNotice(view, t('notice.joined', { name: user.name }));
}

/**
 * The room was listed again (this page reconnected): whoever it had before and the new list lacks
 * may only be reconnecting too, so they count as departed (a line if they stay away); whoever the
 * new list has that it did not came while this page was away, and is written as nothing.
 */
export function relisted(view: View, before: ReadonlyMap<string, User>): void {
  for (const [id, user] of before) if (!view.users.has(id)) departed(view, user);
}
