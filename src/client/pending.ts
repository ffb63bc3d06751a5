// My messages the server has not confirmed yet: shown as "sending…", replaced by their echo,
// marked failed on an error, and sent again after a reconnect.
import { LOBBY, type StoredMessage } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { refreshEmpty, scrollToBottom } from './messageList.js';
import { pendingItem } from './messageRow.js';
import { quoteOf } from './replying.js';
import { addressOf, current, me, views, type Pending, type View } from './state.js';

function sendPending(view: View, ref: string, { data, replyTo }: Pending): boolean {
  const answer = replyTo === undefined ? {} : { replyTo };
  return view.kind === 'room'
    ? send({ type: 'chat', room: view.target, data, ref, ...answer })
    : send({ type: 'dm', to: view.target, data, ref, ...answer });
}

/** Shows a message as "sending…" in a view and sends it (answering `replyTo`); offline, it goes out on reconnect. */
export function post(view: View, data: string, replyTo?: number): void {
  const ref = newRef(Date.now().toString(36));
  const item = pendingItem(data, me, ref, addressOf(view), quoteOf(view, replyTo));
  const pending: Pending = { item, data, replyTo };
  view.pending.set(ref, pending);
  view.list.append(item);
  if (view === current) {
    refreshEmpty();
    scrollToBottom();
  }
  sendPending(view, ref, pending);
}

/** The pending copy of a message that has now arrived, if it is mine: it is pending no more. */
export function confirmPending(view: View, message: StoredMessage): Pending | undefined {
  let pending = message.ref !== undefined ? view.pending.get(message.ref) : undefined;
  if (!pending && message.user.id === me.id) {
    // A resumed echo carries no ref: match it to the oldest unconfirmed message with that text.
    pending = [...view.pending.values()].find((p) => p.data === message.data);
  }
  if (pending) view.pending.delete(pending.item.dataset.ref ?? '');
  return pending;
}

/** An error about one of my messages: its pending copy shows why. False when `ref` is no pending message. */
export function failPending(ref: string | undefined, reason: string): boolean {
  for (const view of views.values()) {
    const pending = ref !== undefined ? view.pending.get(ref) : undefined;
    if (!pending) continue;
    pending.item.classList.add('failed');
    (pending.item.querySelector('time') as HTMLElement).textContent = reason;
    return true;
  }
  return false;
}

/** Sends what is still unconfirmed after a reconnect: the resumed messages have matched the rest. */
function resend(view: View): void {
  for (const [ref, pending] of view.pending) {
    if (!pending.item.classList.contains('failed')) sendPending(view, ref, pending);
  }
}

/** A room's `list` comes after its replayed messages; the lobby's comes after the DMs' as well. */
export function resendUnconfirmed(room: View): void {
  resend(room);
  if (room.target === LOBBY) for (const view of views.values()) if (view.kind === 'dm') resend(view);
}
