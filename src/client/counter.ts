// The character counter beside the box: it appears as the text nears the server's limit
// (MAX_MESSAGE_LENGTH, from the page's data) and turns red past it. Characters are counted as the
// server counts them: code points of the trimmed text (an emoji is one).
import { codePointLength } from '../shared/protocol/index.js';
import { byId } from './dom.js';
import { t } from './i18n.js';
import { maxMessageLength } from './state.js';

/** The counter shows from this share of the limit on. */
const SHOWN_FROM = 0.9;

const input = byId<HTMLTextAreaElement>('input');

export function messageLength(text: string): number {
  return codePointLength(text.trim());
}

/** Longer than the server takes: sending it would only be refused. */
export function tooLong(text: string): boolean {
  return messageLength(text) > maxMessageLength;
}

export function updateCounter(): void {
  const counter = byId('counter');
  const count = messageLength(input.value);
  counter.hidden = count < maxMessageLength * SHOWN_FROM;
  counter.classList.toggle('over', count > maxMessageLength);
  if (!counter.hidden) counter.textContent = t('composer.counter', { count: String(count), max: String(maxMessageLength) });
}
