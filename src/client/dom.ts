// DOM helpers. Every user-supplied string goes in through textContent or an attribute, never as HTML.
import type { DirectMessage, ChatMessage, User } from '../shared/protocol/index.js';
import { t } from './i18n.js';
import { parseMarkup, type Inline } from '../shared/protocol/index.js';

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  return node;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Shows a timestamp in the reader's own time zone and locale. */
export function setTime(time: HTMLTimeElement, ts: number): void {
  const date = new Date(ts);
  time.dateTime = date.toISOString();
  time.textContent = clock.format(date);
  time.title = full.format(date);
}

/** Formats server-rendered message text (the server sends it plain) as live messages are: one renderer. */
export function linkifyRendered(root: ParentNode): void {
  for (const text of root.querySelectorAll<HTMLElement>('.message .text')) renderText(text, text.textContent ?? '');
}

/** Redraws the server-rendered (UTC) times of a subtree in local time. */
export function localizeTimes(root: ParentNode): void {
  for (const time of root.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    const ts = Date.parse(time.dateTime);
    if (!Number.isNaN(ts)) setTime(time, ts);
  }
}

export function avatarUrl(user: User): string {
  // A deleted account's is a neutral picture, as on the server's page (_avatar.njk).
  return `/avatars/${user.deleted ? 'deleted' : encodeURIComponent(user.id)}.svg`;
}

/** A person's name as the page shows it: a deleted account's in the reader's language. */
export function displayName(user: User): string {
  return user.deleted ? t('user.deleted') : user.name;
}

/** The user's identicon (drawn by our server); decorative, since the name always stands beside it. */
export function avatar(user: User): HTMLImageElement {
  return element('img', { className: 'avatar', attrs: { src: avatarUrl(user), alt: '', width: '32', height: '32' } });
}

/** A button with a person's avatar and name, as the people list, the DM links and the chooser show them. */
export function personButton(user: User, className: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  const button = element('button', { className, attrs: { type: 'button', ...attrs } });
  button.append(avatar(user), ' ', element('span', { className: 'user-name', text: displayName(user) }));
  return button;
}

/** A list item holding one element. */
export function listItem(child: Node): HTMLLIElement {
  const item = element('li');
  item.append(child);
  return item;
}

const template = () => byId<HTMLTemplateElement>('message-template');

/** A message row, cloned from the server's own template so both render the same markup. */
export function messageItem(message: ChatMessage | DirectMessage, me: User): HTMLLIElement {
  const item = template().content.firstElementChild?.cloneNode(true) as HTMLLIElement;
  fillMessage(item, message.user, message.data, me);
  item.dataset.id = String(message.id);
  setTime(item.querySelector('time') as HTMLTimeElement, message.ts);
  (item.querySelector('.permalink') as HTMLAnchorElement).href = permalink(message, me);
  return item;
}

/** The address that opens a message where it was said: `#room=<name>&message=<id>` or `#with=<user id>&…`. */
export function permalink(message: ChatMessage | DirectMessage, me: User): string {
  const where =
    message.type === 'chat'
      ? `room=${encodeURIComponent(message.room)}`
      : `with=${encodeURIComponent(message.user.id === me.id ? message.to.id : message.user.id)}`;
  return `#${where}&message=${message.id}`;
}

/** A message the server has not confirmed yet. */
export function pendingItem(data: string, me: User, ref: string): HTMLLIElement {
  const item = template().content.firstElementChild?.cloneNode(true) as HTMLLIElement;
  fillMessage(item, me, data, me);
  item.classList.add('pending');
  item.dataset.ref = ref;
  const time = item.querySelector('time') as HTMLTimeElement;
  time.textContent = t('message.sending');
  return item;
}

function fillMessage(item: HTMLLIElement, user: User, data: string, me: User): void {
  item.dataset.userId = user.id;
  item.classList.toggle('mine', user.id === me.id);
  (item.querySelector('.avatar') as HTMLImageElement).src = avatarUrl(user);
  const author = item.querySelector('.author') as HTMLElement;
  author.textContent = displayName(user);
  author.classList.toggle('deleted', user.deleted === true);
  renderText(item.querySelector('.text') as HTMLElement, data);
}

export function noticeItem(text: string): HTMLLIElement {
  return element('li', { className: 'notice', text });
}

/** Fills an element with the text, links made safe: new tab, no opener, no referrer. */
export function renderText(target: HTMLElement, text: string): void {
  target.replaceChildren(
    ...parseMarkup(text).map((block) => {
      if (block.kind === 'code') {
        const pre = element('pre', { className: 'code-block' });
        pre.append(element('code', { text: block.text }));
        return pre;
      }
      const container = element(block.kind === 'quote' ? 'blockquote' : 'div', { className: block.kind });
      container.append(...block.children.map(inline));
      return container;
    }),
  );
}

/** One inline piece as a node; its text always as text. */
function inline(piece: Inline): Node {
  switch (piece.kind) {
    case 'text':
      return document.createTextNode(piece.text);
    case 'code':
      return element('code', { text: piece.text });
    case 'bold':
    case 'italic': {
      const node = element(piece.kind === 'bold' ? 'strong' : 'em');
      node.append(...piece.children.map(inline));
      return node;
    }
    case 'link': {
      const link = element('a', { text: piece.text, attrs: { href: piece.href, target: '_blank', rel: 'noopener noreferrer' } });
      return link;
    }
  }
}
