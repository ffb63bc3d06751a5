// Editing one of my messages in the message box: ↑ in an empty box takes my last message in the
// conversation, or the message menu's Edit takes that one. Enter saves (`edit`), Esc cancels; the
// box's draft comes back after either. A refusal (too late, too long…) is shown and the text stays.
import { autosize } from './composer.js';
import { hideContext, showContext } from './composerContext.js';
import { newRef, send } from './connection.js';
import { byId } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { stateOf } from './messageState.js';
import { current, type View } from './state.js';

interface Editing {
  view: View;
  item: HTMLElement;
  id: number;
  /** What the box held before: it comes back when the edit is done. */
  draft: string;
  /** The `edit` on its way: its `edited` echo ends the edit, its refusal keeps it. */
  ref?: string;
}

let editing: Editing | undefined;
const input = byId<HTMLTextAreaElement>('input');

export function isEditing(): boolean {
  return editing !== undefined;
}

/** The message being edited, if any (a change to it may end the edit). */
export function editingId(): number | undefined {
  return editing?.id;
}

/** Puts one of my messages' text in the box to edit it. */
export function startEdit(item: HTMLElement): void {
  const state = stateOf(item);
  const id = Number(item.dataset.id);
  if (!state || state.deleted || !Number.isSafeInteger(id)) return;
  const draft = editing ? editing.draft : input.value;
  if (editing) editing.item.classList.remove('editing');
  // One thing at a time: an edit replaces a reply being written.
  current.replyTo = undefined;
  editing = { view: current, item, id, draft };
  item.classList.add('editing');
  input.value = state.data;
  autosize();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
  showContext(t('edits.editing'), cancelEdit);
}

/** ↑ in the empty box: edits my last message here. False when there is none. */
export function editLast(): boolean {
  const mine = current.list.querySelectorAll<HTMLElement>('li.message.mine[data-id]:not(.deleted):not(.pending)');
  const last = mine[mine.length - 1];
  if (!last) return false;
  startEdit(last);
  return true;
}

/** Enter while editing: sends the new text; the same text ends the edit without sending anything. */
export function saveEdit(): void {
  if (!editing) return;
  const data = input.value.trim();
  if (!data) return flash(t('wsError.empty.message'));
  if (data === stateOf(editing.item)?.data) return endEdit();
  const ref = newRef('edit');
  editing.ref = ref;
  if (!send({ type: 'edit', id: editing.id, data, ref })) flash(t('edits.offline'));
}

/** The server's `edited` for my edit: done. */
export function editAnswered(ref: string | undefined): void {
  if (ref !== undefined && editing?.ref === ref) endEdit();
}

/** A refusal of my edit: said where I am looking, the text kept. True when it was about my edit. */
export function editRefused(ref: string | undefined, reason: string): boolean {
  if (ref === undefined || editing?.ref !== ref) return false;
  editing.ref = undefined;
  flash(reason);
  return true;
}

export function cancelEdit(): void {
  endEdit();
}

/** The message being edited was deleted (here or elsewhere): there is nothing left to edit. */
export function editedAway(id: number): void {
  if (editing?.id === id) endEdit();
}

function endEdit(): void {
  if (!editing) return;
  const { item, draft, view } = editing;
  editing = undefined;
  item.classList.remove('editing');
  hideContext();
  if (view === current) {
    input.value = draft;
    autosize();
  } else {
    view.draft = draft;
  }
}
