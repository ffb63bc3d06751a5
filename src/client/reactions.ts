// Reactions: a reaction's button under a message toggles mine (`react`); the message menu's React
// opens a picker of a few common ones and a field for any short text (up to MAX_EMOJI_LENGTH
// characters, as the server counts them: grapheme clusters). The server's `reactions` redraws them.
import { newRef, send } from './connection.js';
import { byId, placeBeside } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';

/** Longest reaction, in grapheme clusters (the protocol's MAX_EMOJI_LENGTH). */
const MAX_REACTION = 16;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const picker = byId<HTMLFormElement>('react-picker');
const field = byId<HTMLInputElement>('react-text');
const error = byId('react-error');
let target: { row: HTMLElement; anchor: HTMLElement } | undefined;

/** Toggles my reaction `emoji` on a message. */
export function react(id: number, emoji: string): void {
  if (!send({ type: 'react', id, emoji, ref: newRef('react') })) flash(t('edits.offline'));
}

/** The picker beside the message's menu button, focus on its first choice. */
export function openPicker(row: HTMLElement, anchor: HTMLElement): void {
  target = { row, anchor };
  field.value = '';
  error.hidden = true;
  picker.hidden = false;
  placeBeside(picker, anchor);
  picker.querySelector<HTMLButtonElement>('.react-choice')?.focus();
}

function closePicker(focusBack: boolean): void {
  if (picker.hidden) return;
  picker.hidden = true;
  if (focusBack) target?.anchor.focus();
  target = undefined;
}

function choose(emoji: string): void {
  const id = Number(target?.row.dataset.id);
  closePicker(true);
  if (Number.isSafeInteger(id)) react(id, emoji);
}

export function wireReactions(): void {
  byId('scroller').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('.reaction');
    const id = Number(button?.closest<HTMLElement>('li.message[data-id]')?.dataset.id);
    if (button?.dataset.emoji && Number.isSafeInteger(id)) react(id, button.dataset.emoji);
  });
  picker.addEventListener('click', (event) => {
    const choice = (event.target as Element).closest<HTMLElement>('.react-choice');
    if (choice?.dataset.emoji) choose(choice.dataset.emoji);
  });
  picker.addEventListener('submit', (event) => {
    event.preventDefault();
    const emoji = field.value.trim();
    if (!emoji) return field.focus();
    if ([...segmenter.segment(emoji)].length > MAX_REACTION) {
      error.textContent = t('edits.reactTooLong', { max: MAX_REACTION });
      error.hidden = false;
      return field.focus();
    }
    choose(emoji);
  });
  picker.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    closePicker(true);
  });
  document.addEventListener('pointerdown', (event) => {
    if (!picker.contains(event.target as Node) && !(event.target as Element).closest('.message-actions')) closePicker(false);
  });
}
