// Changes to messages already sent, as the server announces them (`edited`, `deleted`, `reactions`):
// each applied to the message's row only when its `change` is above the row's (a history page and a
// live event may cross), the quotes of its answers kept in step, and the unread counts and mention
// highlights following (a deleted unread message is no longer unread; an edit that newly names me
// highlights and notifies once). An event about a row not on the page yet waits for it a while.
import { mentionsUser, type ServerMessages } from '../shared/protocol/index.js';
import { renderText } from './dom.js';
import { editAnswered, editedAway } from './editing.js';
import { drawDeleted, drawEdited, drawReactions, drawReply } from './messageParts.js';
import { noteChange, stateOf, type MessageState } from './messageState.js';
import { me, viewFor, type View } from './state.js';
import { noteArrival, updateBadges } from './unread.js';

type Edited = ServerMessages['edited'];
type Deleted = ServerMessages['deleted'];
type Reactions = ServerMessages['reactions'];
type Change = Edited | Deleted | Reactions;

/** The first characters of a message's text that a quote of it carries (the server's REPLY_QUOTE_LENGTH). */
const QUOTE_LENGTH = 100;
/** Events about messages not on the page yet, by id: at most this many messages' worth are kept. */
const EARLY_LIMIT = 500;
const early = new Map<number, Change[]>();

function viewOf(change: Change): View | undefined {
  if ('room' in change) return viewFor({ room: change.room });
  return viewFor({ with: change.with });
}

function rowOf(view: View | undefined, id: number): HTMLElement | undefined {
  return view?.list.querySelector<HTMLElement>(`li.message[data-id="${id}"]`) ?? undefined;
}

/** One change event from the server. */
export function applyChange(change: Change): void {
  noteChange(change.change);
  if (change.type === 'edited') editAnswered(change.ref);
  const view = viewOf(change);
  if (view) updateQuotes(view, change);
  const item = rowOf(view, change.id);
  const state = item ? stateOf(item) : undefined;
  if (!view || !item || !state) return keepEarly(change);
  apply(view, item, state, change);
}

function apply(view: View, item: HTMLElement, state: MessageState, change: Change): void {
  if (change.change <= state.change) return;
  state.change = change.change;
  if (change.type === 'deleted') return deleted(view, item, state);
  if (change.type === 'reactions') {
    state.reactions = change.data;
    return drawReactions(item, change.data);
  }
  if (state.deleted) return;
  const mine = item.classList.contains('mine');
  const named = mentionsUser(state, me.id);
  state.data = change.data;
  state.editedAt = change.editedAt;
  state.mentions = change.mentions;
  renderText(item.querySelector('.text') as HTMLElement, change.data);
  drawEdited(item, change.editedAt);
  const namedNow = !mine && 'room' in change && mentionsUser(state, me.id);
  item.classList.toggle('mention', namedNow);
  // Named by the edit and not before: highlighted, counted if unread, notified; once.
  if (namedNow && !named) newlyNamed(view, item, change);
}

function newlyNamed(view: View, item: HTMLElement, change: Edited): void {
  const id = Number(item.dataset.id);
  const unread = !view.replaying && id > view.lastReadId && view.unread > 0;
  if (unread) view.mentioned += 1;
  updateBadges(view);
  const author = (item.querySelector('.author')?.textContent ?? '').trim();
  // Counted already as a message; only the mention is new, so it is noted as seen (no second count).
  noteArrival(view, { type: 'chat', id, ts: change.editedAt, room: view.target, user: { id: item.dataset.userId ?? '', name: author, image: 0 }, data: change.data }, true, true);
}

function deleted(view: View, item: HTMLElement, state: MessageState): void {
  const id = Number(item.dataset.id);
  // It counted as unread if it was someone else's, after where I had read: it no longer does. (Not
  // during a resume's replay: the counts the server sent on connect left it out already.)
  if (!view.replaying && !item.classList.contains('mine') && id > view.lastReadId && view.unread > 0) {
    view.unread -= 1;
    if (item.classList.contains('mention') && view.mentioned > 0) view.mentioned -= 1;
    updateBadges(view);
  }
  state.deleted = true;
  state.data = '';
  state.mentions = undefined;
  state.reactions = undefined;
  state.replyTo = undefined;
  state.editedAt = undefined;
  editedAway(id);
  drawDeleted(item);
}

/** The answers to a message, on this page, quote it as it is now. */
function updateQuotes(view: View, change: Change): void {
  if (change.type === 'reactions') return;
  for (const quote of view.list.querySelectorAll<HTMLElement>(`.reply-quote[data-reply-id="${change.id}"]`)) {
    const item = quote.closest<HTMLElement>('li.message');
    const state = item ? stateOf(item) : undefined;
    if (!item || !state?.replyTo) continue;
    state.replyTo =
      change.type === 'deleted'
        ? { ...state.replyTo, data: '', deleted: true }
        : { ...state.replyTo, data: [...change.data].slice(0, QUOTE_LENGTH).join('') };
    drawReply(item, state.replyTo, (quote.getAttribute('href') ?? '#').slice(1).replace(/&message=\d+$/u, ''));
  }
}

function keepEarly(change: Change): void {
  const kept = early.get(change.id) ?? [];
  early.delete(change.id);
  early.set(change.id, [...kept, change]);
  if (early.size > EARLY_LIMIT) early.delete(early.keys().next().value as number);
}

/** A row just put on the page (a history page, a resumed message): the changes that came before it. */
export function catchUp(view: View, item: HTMLElement): void {
  const id = Number(item.dataset.id);
  const kept = early.get(id);
  const state = stateOf(item);
  if (!kept || !state) return;
  early.delete(id);
  for (const change of kept) apply(view, item, state, change);
}
