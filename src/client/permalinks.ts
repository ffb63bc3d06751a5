// Links to one message, `#room=<name>&message=<id>` or `#with=<user id>&message=<id>`: the
// conversation opens at that message, with older pages loaded until it is on screen.
import type { Conversation } from '../shared/protocol/index.js';
import { openDm, openRoom } from './conversation.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { hasMessage, loadOlder } from './messageList.js';
import { current, knownUsers, type View } from './state.js';

const HIGHLIGHT_MS = 4000;
/** How long to wait for a page that was asked for, and how often to look. */
const PAGE_WAIT_MS = 5000;
const PAGE_POLL_MS = 50;
/** The most older pages loaded while looking for the message. */
const MAX_PAGES = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (briefly) until the view has its latest page and no older page is on its way. */
async function settled(view: View): Promise<void> {
  for (let waited = 0; waited < PAGE_WAIT_MS && (!view.loaded || view.loadingOlder); waited += PAGE_POLL_MS) await sleep(PAGE_POLL_MS);
}

/** Opens a conversation at one message, highlighted for a moment. */
export async function openMessage(conversation: Conversation, id: number): Promise<void> {
  if ('room' in conversation) {
    openRoom(conversation.room);
  } else {
    openDm(knownUsers.get(conversation.with) ?? { id: conversation.with, name: conversation.with.slice(0, 8), image: 0 });
  }
  const view = current;
  for (let page = 0; page < MAX_PAGES; page++) {
    await settled(view);
    if (current !== view || hasMessage(view, id) || view.complete) break;
    loadOlder();
  }
  const item = view.list.querySelector<HTMLElement>(`li[data-id="${id}"]`);
  if (!item) {
    flash(t('error.notFound'));
    return;
  }
  item.scrollIntoView({ block: 'center' });
  item.classList.add('highlight');
  setTimeout(() => item.classList.remove('highlight'), HIGHLIGHT_MS);
}

/** The message the address names, if it names one. */
export function openFromAddress(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = Number(params.get('message'));
  const room = params.get('room');
  const other = params.get('with');
  if (!Number.isSafeInteger(id) || id <= 0) return;
  if (room) void openMessage({ room }, id);
  else if (other) void openMessage({ with: other }, id);
}
