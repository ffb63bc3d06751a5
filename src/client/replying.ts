// Answering one message (the message menu's Reply): "Replying to Ada" above the box until the answer
// is sent or the reply is cancelled (× or Esc); the answer carries `replyTo`, and until the server
// confirms it its pending row already shows the quote.
import type { ReplyQuote, User } from '../shared/protocol/index.js';
import { hideContext, showContext } from './composerContext.js';
import { byId } from './dom.js';
import { cancelEdit } from './editing.js';
import { t } from './i18n.js';
import { stateOf } from './messageState.js';
import { current, type View } from './state.js';

/** The row's author as it shows, for the line above the box. */
function authorName(item: HTMLElement): string {
  return (item.querySelector('.author')?.textContent ?? '').trim();
}

/** The menu's Reply on a row of the conversation on screen. */
export function startReply(item: HTMLElement): void {
  const id = Number(item.dataset.id);
  if (!Number.isSafeInteger(id) || stateOf(item)?.deleted) return;
  cancelEdit();
  current.replyTo = { id, name: authorName(item) };
  showReply(current);
  byId('input').focus();
}

/** Replying again to message `id` of the view on screen (a failed answer taken back into the box), if it is shown. */
export function replyAgain(id: number): void {
  const item = current.list.querySelector<HTMLElement>(`li[data-id="${id}"]`);
  if (item && !current.replyTo) startReply(item);
}

/** The line above the box for the view on screen: its reply being written, or nothing. */
export function showReply(view: View): void {
  if (view.replyTo) showContext(t('edits.replyingTo', { name: view.replyTo.name }), cancelReply);
  else hideContext();
}

export function cancelReply(): void {
  current.replyTo = undefined;
  hideContext();
}

export function isReplying(): boolean {
  return current.replyTo !== undefined;
}

/** The message a message sent now in `view` answers; the reply is done with once taken. */
export function takeReply(view: View): number | undefined {
  const id = view.replyTo?.id;
  view.replyTo = undefined;
  if (view === current) hideContext();
  return id;
}

/** The quote a pending answer shows, from the answered row as this page has it. */
export function quoteOf(view: View, id: number | undefined): ReplyQuote | undefined {
  if (id === undefined) return undefined;
  const item = view.list.querySelector<HTMLElement>(`li[data-id="${id}"]`);
  const state = item ? stateOf(item) : undefined;
  if (!item || !state) return undefined;
  const user: User = { id: item.dataset.userId ?? '', name: authorName(item), image: 0 };
  return { id, user, data: [...state.data].slice(0, 100).join('') };
}
