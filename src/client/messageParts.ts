// Draws a message's state on its row: the text (or the "message deleted" line), the "edited" mark,
// the reactions as toggle buttons with who reacted, and the quote of the message it answers. Live,
// history and server-rendered rows all go through `drawState`, and each change event redraws the part
// it changed with the same functions.
import { plainText, type Reaction, type ReplyQuote } from '../shared/protocol/index.js';
import { displayName, element, fullTime, renderText } from './dom.js';
import { lang, t } from './i18n.js';
import { setState, type MessageState } from './messageState.js';
import { me } from './state.js';

const names = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });

/** Where a message's conversation is, as its permalink says it: `room=<name>` or `with=<user id>`. */
export type Where = string;

/** Draws all of a row's state (and keeps it with the row). */
export function drawState(item: HTMLElement, state: MessageState, where: Where): void {
  setState(item, state);
  if (state.deleted) return drawDeleted(item);
  renderText(item.querySelector('.text') as HTMLElement, state.data);
  drawEdited(item, state.editedAt);
  drawReactions(item, state.reactions ?? []);
  drawReply(item, state.replyTo, where);
}

/** The row says "Message deleted", without its text, author, marks, reactions or menu. */
export function drawDeleted(item: HTMLElement): void {
  item.classList.add('deleted');
  item.classList.remove('mention', 'editing');
  delete item.dataset.userId;
  const text = item.querySelector('.text') as HTMLElement;
  text.textContent = t('message.deleted');
  item.querySelector('.author')?.replaceChildren();
  drawEdited(item, undefined);
  drawReactions(item, []);
  drawReply(item, undefined, '');
}

/** "(edited)", with when it was edited as its title. */
export function drawEdited(item: HTMLElement, editedAt: number | undefined): void {
  const mark = item.querySelector<HTMLElement>('.edited-mark');
  if (!mark) return;
  mark.hidden = editedAt === undefined;
  mark.textContent = editedAt === undefined ? '' : t('edits.edited');
  mark.title = editedAt === undefined ? '' : t('edits.editedAt', { time: fullTime(editedAt) });
}

/** Each reaction once, with its count, pressed when I am among those who reacted; who did shows on hover and focus. */
export function drawReactions(item: HTMLElement, reactions: readonly Reaction[]): void {
  const box = item.querySelector<HTMLElement>('.reactions');
  if (!box) return;
  // A reaction toggled from the keyboard keeps the focus on its (redrawn) button, or on the message's menu once it is gone.
  const focused = box.contains(document.activeElement) ? (document.activeElement as HTMLElement).closest<HTMLElement>('.reaction')?.dataset.emoji : undefined;
  box.hidden = reactions.length === 0;
  box.replaceChildren(
    ...reactions.map((reaction) => {
      const mine = reaction.users.some((user) => user.id === me.id);
      const who = names.format(reaction.users.map(displayName));
      const button = element('button', {
        className: 'reaction',
        attrs: { type: 'button', 'aria-pressed': String(mine), 'data-emoji': reaction.emoji },
      });
      button.append(
        element('span', { className: 'reaction-emoji', text: reaction.emoji, attrs: { dir: 'auto' } }),
        ' ',
        element('span', { className: 'reaction-count', text: String(reaction.count) }),
        element('span', { className: 'reaction-who', text: t('edits.reactedBy', { emoji: reaction.emoji, names: who }), attrs: { role: 'tooltip' } }),
      );
      return button;
    }),
  );
  if (focused === undefined) return;
  const again = [...box.querySelectorAll<HTMLElement>('.reaction')].find((button) => button.dataset.emoji === focused);
  (again ?? item.querySelector<HTMLElement>('.message-actions'))?.focus();
}

/** The one-line quote of the message this one answers: a link to it, or that it was deleted. */
export function drawReply(item: HTMLElement, reply: ReplyQuote | undefined, where: Where): void {
  const quote = item.querySelector<HTMLAnchorElement>('.reply-quote');
  if (!quote) return;
  quote.hidden = reply === undefined;
  if (reply === undefined) return;
  quote.dataset.replyId = String(reply.id);
  quote.href = `#${where}&message=${reply.id}`;
  quote.title = t('edits.quoteTitle');
  quote.classList.toggle('gone', reply.deleted === true);
  (quote.querySelector('.reply-author') as HTMLElement).textContent = reply.deleted ? '' : displayName(reply.user);
  // One line: the start of its text as it reads (without its marks), its line breaks as spaces.
  (quote.querySelector('.reply-text') as HTMLElement).textContent = reply.deleted ? t('edits.originalDeleted') : plainText(reply.data).replace(/\s+/gu, ' ').trim();
}
