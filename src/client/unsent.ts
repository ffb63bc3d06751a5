// My messages that did not go. The bubble says why, above the box too (the flash), scrolled into
// view, and offers Retry, Edit (the text back in the box) and Discard. One refused for the rate
// limit is sent again by itself once the server's `retryAfter` has passed: one at a time, in order,
// and new ones wait behind it meanwhile, so the page never runs into the limit's strikes. What
// failed is kept in localStorage per conversation: a reload shows it again.
import { wsErrorKey } from '../shared/i18n/index.js';
import type { ErrorCode } from '../shared/protocol/index.js';
import { autosize, draftTyped } from './composer.js';
import { byId, element } from './dom.js';
import { cancelEdit } from './editing.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { addPending, dropPending, resendFailed } from './pending.js';
import { replyAgain } from './replying.js';
import { keptPerView } from './keptPerView.js';
import { current, views, type View } from './state.js';

/** How long to wait when a refusal says nothing of when (the contract's window is 10 s). */
const DEFAULT_WAIT_MS = 10_000;
/** A little past the server's time, so the retry is not refused for a clock's tick. */
const SLACK_MS = 100;

const input = byId<HTMLTextAreaElement>('input');

/** Rate-limited messages waiting for their turn, in the order they were written. */
const waiting: { view: View; ref: string }[] = [];
/** The one sent again and not answered yet: the next waits for it (not longer than STALLED_MS: its answer may have gone nowhere). */
let retrying: string | undefined;
let retriedAt = 0;
const STALLED_MS = 15_000;
let heldUntil = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The retry in flight, unless it went unanswered too long (its answer may have gone nowhere). */
function inFlight(): string | undefined {
  if (retrying !== undefined && Date.now() - retriedAt > STALLED_MS) retrying = undefined;
  return retrying;
}

/** A new message would be over the limit, or jump the queue: it waits too. */
export function holdsMessages(): boolean {
  return Date.now() < heldUntil || waiting.length > 0 || inFlight() !== undefined;
}

/** Shows why a message of mine did not go, with what can be done; `quiet` (restored after a reload): no flash, no scroll. */
export function showFailed(view: View, ref: string, code: ErrorCode, reason: string, retryAfter?: number, quiet = false): void {
  const pending = view.pending.get(ref);
  if (!pending) return;
  if (retrying === ref) retrying = undefined;
  pending.failed = code;
  const item = pending.item;
  item.classList.add('failed');
  (item.querySelector('time') as HTMLElement).textContent = t('message.failed');
  let shown = reason;
  if (code === 'rate_limited') {
    heldUntil = Math.max(heldUntil, Date.now() + (retryAfter ?? DEFAULT_WAIT_MS));
    // Refused again on its retry: still first in line.
    if (!waiting.some((w) => w.ref === ref)) (pending.item.dataset.retried ? waiting.unshift({ view, ref }) : waiting.push({ view, ref }));
    shown = t('message.retryingIn', { seconds: String(Math.max(1, Math.ceil((heldUntil - Date.now()) / 1000))) });
  }
  // Refused for something else, the others waiting go on; for the rate, they wait for it.
  schedule();
  drawNote(view, ref, shown, code !== 'rate_limited');
  saveUnsent(view);
  if (view === current && !quiet) {
    flash(shown);
    item.scrollIntoView({ block: 'nearest' });
  }
}

/** The line under a failed message: why, Retry (unless it retries by itself), Edit, Discard. */
function drawNote(view: View, ref: string, reason: string, canRetry: boolean): void {
  const pending = view.pending.get(ref);
  if (!pending) return;
  pending.item.querySelector('.failed-note')?.remove();
  const note = element('div', { className: 'failed-note' });
  note.append(element('span', { className: 'failed-reason', text: reason, attrs: { role: 'alert' } }));
  const action = (name: string, label: string, run: () => void) => {
    const button = element('button', { className: 'link', text: label, attrs: { type: 'button', 'data-unsent': name } });
    button.addEventListener('click', run);
    note.append(' ', button);
  };
  if (canRetry) action('retry', t('message.retry'), () => resendFailed(view, ref));
  action('edit', t('message.editUnsent'), () => takeBack(view, ref));
  action('discard', t('message.discard'), () => forget(view, ref));
  pending.item.querySelector('.bubble')?.append(note);
}

/** Edit: the text goes back in the box (after whatever is there), and the bubble goes. */
function takeBack(view: View, ref: string): void {
  const pending = forget(view, ref);
  if (!pending || view !== current) return;
  cancelEdit();
  input.value = input.value.trim() ? `${input.value}\n${pending.data}` : pending.data;
  autosize();
  draftTyped();
  // An answer is an answer again: "Replying to …" above the box.
  if (pending.replyTo !== undefined) replyAgain(pending.replyTo);
  input.focus();
}

function forget(view: View, ref: string) {
  const index = waiting.findIndex((w) => w.ref === ref);
  if (index >= 0) waiting.splice(index, 1);
  return dropPending(view, ref);
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(retryNext, Math.max(0, heldUntil - Date.now()) + SLACK_MS);
}

/** Sends the first waiting message again, once the limit allows and the one before was answered. */
function retryNext(): void {
  if (inFlight() !== undefined) {
    // Its answer moves the queue on; should none come, this does.
    clearTimeout(timer);
    timer = setTimeout(retryNext, retriedAt + STALLED_MS + SLACK_MS - Date.now());
    return;
  }
  if (Date.now() < heldUntil) return schedule();
  for (let next = waiting.shift(); next; next = waiting.shift()) {
    const pending = next.view.pending.get(next.ref);
    // Gone meanwhile: discarded, or its room left (its view is no longer the page's).
    if (pending?.failed !== 'rate_limited' || views.get(next.view.key) !== next.view) continue;
    retrying = next.ref;
    retriedAt = Date.now();
    pending.item.dataset.retried = 'true';
    resendFailed(next.view, next.ref);
    return;
  }
}

/** A message of mine was confirmed: if it was the one retried, the next may go. */
export function unsentConfirmed(ref: string): void {
  if (ref !== retrying) return;
  retrying = undefined;
  retryNext();
}

// --- kept across reloads --------------------------------------------------------------------------

interface Kept {
  data: string;
  replyTo?: number;
  failed: ErrorCode;
}

const unsent = keptPerView('unsent');

/** Writes the view's failed messages down (or removes the entry when there are none). */
export function saveUnsent(view: View): void {
  const kept: Kept[] = [...view.pending.values()].flatMap((p) => (p.failed ? [{ data: p.data, replyTo: p.replyTo, failed: p.failed }] : []));
  unsent.write(view, kept.length > 0 ? JSON.stringify(kept) : undefined);
}

/** A view made in this page shows the messages that had failed there before a reload; the rate-limited go again by themselves. */
export function withUnsent(view: View): View {
  let kept: Kept[] = [];
  try {
    kept = JSON.parse(unsent.read(view) ?? '[]') as Kept[];
  } catch {
    return view;
  }
  for (const { data, replyTo, failed } of Array.isArray(kept) ? kept : []) {
    if (typeof data !== 'string' || !data) continue;
    const ref = addPending(view, data, typeof replyTo === 'number' ? replyTo : undefined);
    showFailed(view, ref, failed, t(wsErrorKey(failed)), failed === 'rate_limited' ? 0 : undefined, true);
  }
  return view;
}
