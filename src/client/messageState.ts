// A message's state beyond who said it when: its text as typed, whether and when it was edited or
// deleted, its reactions, the message it answers, and the last `change` applied to it. One record per
// message row, drawn by messageParts.ts, for live, history and server-rendered messages alike.
import type { Reaction, ReplyQuote, StoredMessage } from '../shared/protocol/index.js';

export interface MessageState {
  /** The text as typed (what Edit puts back in the box), "" once deleted. */
  data: string;
  mentions?: string[];
  editedAt?: number;
  deleted?: true;
  reactions?: Reaction[];
  replyTo?: ReplyQuote;
  /** The last change applied to this message (0: none yet). An event not above it is stale. */
  change: number;
}

const states = new WeakMap<Element, MessageState>();

export function stateOf(item: Element): MessageState | undefined {
  return states.get(item);
}

export function setState(item: Element, state: MessageState): void {
  states.set(item, state);
}

/** The state a message from the server carries (live, in a history page or a resume). */
export function stateFromMessage(message: StoredMessage): MessageState {
  return {
    data: message.data,
    mentions: message.mentions,
    editedAt: message.editedAt,
    deleted: message.deleted,
    reactions: message.reactions,
    replyTo: message.replyTo,
    change: message.change ?? 0,
  };
}

/** The state the server rendered into a row's `data-state` (views/_message.njk), with the text it printed. */
export function stateFromRendered(item: HTMLElement, text: string): MessageState {
  let rendered: Partial<MessageState> = {};
  try {
    rendered = JSON.parse(item.dataset.state ?? '{}') as Partial<MessageState>;
  } catch {
    // A row without a readable state is a plain message: nothing to draw but its text.
  }
  delete item.dataset.state;
  // A deleted row's text is the server's "message deleted" line, not the message's.
  return { ...rendered, data: rendered.deleted ? '' : text, change: rendered.change ?? 0 };
}

/**
 * The highest `change` this page has seen in a change event or a history page (the server rendered
 * the page at `data-change`): a reconnect asks for every change after it. Not the `change` of a
 * replayed message: a change to an older message, lower than that, may still be on its way.
 */
let highest: number | undefined = document.body.dataset.change ? Number(document.body.dataset.change) : undefined;

export function noteChange(change: number | undefined): void {
  if (typeof change === 'number' && (highest === undefined || change > highest)) highest = change;
}

export function highestChange(): number | undefined {
  return highest;
}
