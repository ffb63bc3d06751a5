// My messages the server has not confirmed yet: shown as "sending…", replaced by their echo,
// marked failed on an error (unsent.ts: why, and what can be done), and sent again after a reconnect.
import { LOBBY, type ErrorCode, type StoredMessage } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { refreshEmpty, scrollToBottom } from './messageList.js';
import { pendingItem } from './messageRow.js';
import { quoteOf } from './replying.js';
import { addressOf, current, me, views, type Pending, type View } from './state.js';
import { markDay } from './days.js';
import { t } from './i18n.js';
import { holdsMessages, saveUnsent, showFailed, unsentConfirmed } from './unsent.js';

function sendPending(view: View, ref: string, { data, replyTo }: Pending): boolean {
  const answer = replyTo === undefined ? {} : { replyTo };
  return view.kind === 'room'
    ? send({ type: 'chat', room: view.target, data, ref, ...answer })
    : send({ type: 'dm', to: view.target, data, ref, ...answer });
}

/** Shows a message as "sending…" at the bottom of a view, without sending it; its ref. */
export function addPending(view: View, data: string, replyTo?: number): string {
  const ref = newRef(Date.now().toString(36));
  const item = pendingItem(data, me, ref, addressOf(view), quoteOf(view, replyTo));
  view.pending.set(ref, { item, data, replyTo });
  view.list.append(item);
  markDay(item);
  if (view === current) {
    refreshEmpty();
    scrollToBottom();
  }
  return ref;
}

/** Shows a message as "sending…" in a view and sends it (answering `replyTo`); offline, it goes out on reconnect. */
export function post(view: View, data: string, replyTo?: number): void {
  const ref = addPending(view, data, replyTo);
  const pending = view.pending.get(ref) as Pending;
  // Over the rate limit just now: it waits its turn instead of being refused again.
  if (holdsMessages()) showFailed(view, ref, 'rate_limited', t('wsError.rate_limited'), 0);
  else sendPending(view, ref, pending);
}

/** A failed message sent again as it was, "sending…" once more. */
export function resendFailed(view: View, ref: string): void {
  const pending = view.pending.get(ref);
  if (!pending) return;
  pending.failed = undefined;
  pending.item.classList.remove('failed');
  pending.item.querySelector('.failed-note')?.remove();
  (pending.item.querySelector('time') as HTMLElement).textContent = t('message.sending');
  saveUnsent(view);
  sendPending(view, ref, pending);
}

/** Takes a pending or failed message off the page (discarded, or taken back into the box). */
export function dropPending(view: View, ref: string): Pending | undefined {
  const pending = view.pending.get(ref);
  if (!pending) return undefined;
  view.pending.delete(ref);
  pending.item.remove();
  saveUnsent(view);
  if (view === current) refreshEmpty();
  return pending;
}

/** The pending copy of a message that has now arrived, if it is mine: it is pending no more. */
export function confirmPending(view: View, message: StoredMessage): Pending | undefined {
  let pending = message.ref !== undefined ? view.pending.get(message.ref) : undefined;
  if (!pending && message.user.id === me.id) {
    // A resumed echo carries no ref: match it to the oldest unconfirmed message with that text.
    pending = [...view.pending.values()].find((p) => p.data === message.data && !p.failed);
  }
  if (pending) {
    view.pending.delete(pending.item.dataset.ref ?? '');
    if (pending.failed === undefined) unsentConfirmed(pending.item.dataset.ref ?? '');
  }
  return pending;
}

/** An error about one of my messages: its pending copy shows why. False when `ref` is no pending message. */
export function failPending(ref: string | undefined, code: ErrorCode, reason: string, retryAfter?: number): boolean {
  for (const view of views.values()) {
    if (ref === undefined || !view.pending.has(ref)) continue;
    showFailed(view, ref, code, reason, retryAfter);
    return true;
  }
  return false;
}

/** Sends what is still unconfirmed after a reconnect: the resumed messages have matched the rest. */
function resend(view: View): void {
  for (const [ref, pending] of view.pending) {
    if (!pending.failed) sendPending(view, ref, pending);
  }
}

/** A room's `list` comes after its replayed messages; the lobby's comes after the DMs' as well. */
export function resendUnconfirmed(room: View): void {
  resend(room);
  if (room.target === LOBBY) for (const view of views.values()) if (view.kind === 'dm') resend(view);
}
