// A message's row: cloned from the server's own template (views/_message.njk) so both render the same
// markup, filled with who said it when, and its state drawn by messageParts.ts. The rows the server
// rendered are taken over here too, through the same drawing.
import type { ChatMessage, DirectMessage, StoredMessage, User } from '../shared/protocol/index.js';
import { avatarUrl, byId, displayName, setTime } from './dom.js';
import { t } from './i18n.js';
import { drawState, type Where } from './messageParts.js';
import { stateFromMessage, stateFromRendered } from './messageState.js';
import { mentionsUser } from '../shared/protocol/index.js';

const template = () => byId<HTMLTemplateElement>('message-template');

/** Where a message was said, as its permalink names the conversation: `room=<name>` or `with=<user id>`. */
export function whereOf(message: StoredMessage, me: User): Where {
  return message.type === 'chat'
    ? `room=${encodeURIComponent(message.room)}`
    : `with=${encodeURIComponent(message.user.id === me.id ? message.to.id : message.user.id)}`;
}

/** The address that opens a message where it was said: `#room=<name>&message=<id>` or `#with=<user id>&…`. */
export function permalink(message: ChatMessage | DirectMessage, me: User): string {
  return `#${whereOf(message, me)}&message=${message.id}`;
}

function clone(): HTMLLIElement {
  return template().content.firstElementChild?.cloneNode(true) as HTMLLIElement;
}

/** A message from the server, as it is now. */
export function messageItem(message: StoredMessage, me: User): HTMLLIElement {
  const item = clone();
  fillAuthor(item, message.user, me);
  item.dataset.id = String(message.id);
  setTime(item.querySelector('time') as HTMLTimeElement, message.ts);
  (item.querySelector('.permalink') as HTMLAnchorElement).href = permalink(message, me);
  drawState(item, stateFromMessage(message), whereOf(message, me));
  return item;
}

/** A message the server has not confirmed yet (`reply`: the message it answers, drawn as the server will). */
export function pendingItem(data: string, me: User, ref: string, where: Where, reply?: StoredMessage['replyTo']): HTMLLIElement {
  const item = clone();
  fillAuthor(item, me, me);
  drawState(item, { data, replyTo: reply, change: 0 }, where);
  item.classList.add('pending');
  item.dataset.ref = ref;
  const time = item.querySelector('time') as HTMLTimeElement;
  time.textContent = t('message.sending');
  return item;
}

function fillAuthor(item: HTMLLIElement, user: User, me: User): void {
  item.dataset.userId = user.id;
  item.classList.toggle('mine', user.id === me.id);
  (item.querySelector('.avatar') as HTMLImageElement).src = avatarUrl(user);
  const author = item.querySelector('.author') as HTMLElement;
  author.textContent = displayName(user);
  author.classList.toggle('deleted', user.deleted === true);
}

/**
 * The rows the server rendered (it prints the text plain and the rest as `data-state`) drawn as live
 * ones are: one renderer. A row naming me is marked as a live one is.
 */
export function adoptRendered(root: ParentNode, me: User, where: Where): void {
  for (const item of root.querySelectorAll<HTMLLIElement>('li.message[data-id]')) {
    const text = item.querySelector<HTMLElement>('.text');
    const state = stateFromRendered(item, text?.textContent ?? '');
    drawState(item, state, where);
    if (!state.deleted && item.dataset.userId !== me.id && mentionsUser(state, me.id)) item.classList.add('mention');
  }
}
