// DOM helpers. Every user-supplied string goes in through textContent or an attribute, never as HTML.
import type { User } from '../shared/protocol/index.js';
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

/** A date and time in full, in the reader's locale (titles: when a message was sent, or edited). */
export function fullTime(ts: number): string {
  return full.format(new Date(ts));
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

/** Puts a floating box (position: fixed) under `anchor`, or above it when there is no room below, inside the window. */
export function placeBeside(floating: HTMLElement, anchor: Element): void {
  const at = anchor.getBoundingClientRect();
  const width = floating.offsetWidth;
  const height = floating.offsetHeight;
  floating.style.left = `${Math.max(4, Math.min(at.right - width, window.innerWidth - width - 4))}px`;
  floating.style.top = `${at.bottom + height + 4 > window.innerHeight ? Math.max(4, at.top - height - 4) : at.bottom + 4}px`;
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
