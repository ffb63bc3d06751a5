// The character counter beside the box: it appears as the text nears the server's limit
// (MAX_MESSAGE_LENGTH, from the page's data) and turns red past it. Characters are counted as the
// server counts them: code points of the trimmed text (an emoji is one), of a `/msg`'s message alone.
import { codePointLength, parseDmCommand } from '../shared/protocol/index.js';
import { byId } from './dom.js';
import { t } from './i18n.js';
import { current, knownUsers, maxMessageLength } from './state.js';

/** The counter shows from this share of the limit on. */
const SHOWN_FROM = 0.9;

const input = byId<HTMLTextAreaElement>('input');

/** What the server will count: in a room, a `/msg name message` sends only its message. */
export function messageLength(text: string): number {
  const command = current.kind === 'room' ? parseDmCommand(text.trim(), knownUsers.values()) : undefined;
  return codePointLength((command?.kind === 'dm' ? command.text : text).trim());
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
