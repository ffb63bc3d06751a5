// "X is typing…": who is typing in the view on screen, and telling the others when I type.
import { TYPING_THROTTLE_MS, type User } from '../shared/protocol/index.js';
import { send } from './connection.js';
import { byId } from './dom.js';
import { t } from './i18n.js';
import { conversationOf, current, type View } from './state.js';

/** How long "X is typing…" stays without a new signal. */
const TYPING_SHOWN_MS = 5000;

let lastTypingSent = 0;

export function renderTyping(): void {
  const names = [...current.typing.values()].map((typing) => typing.user.name);
  byId('typing').textContent =
    names.length === 0
      ? ''
      : names.length === 1
        ? t('typing.one', { name: names[0] ?? '' })
        : names.length === 2
          ? t('typing.two', { a: names[0] ?? '', b: names[1] ?? '' })
          : t('typing.many');
}

/** Someone is typing in a view: shown until their message comes or they have been quiet a while. */
export function showTyping(view: View, user: User): void {
  const previous = view.typing.get(user.id);
  if (previous) clearTimeout(previous.timer);
  const timer = setTimeout(() => stopTyping(view, user.id), TYPING_SHOWN_MS);
  view.typing.set(user.id, { user, timer });
  if (view === current) renderTyping();
}

export function stopTyping(view: View, userId: string): void {
  const entry = view.typing.get(userId);
  if (!entry) return;
  clearTimeout(entry.timer);
  view.typing.delete(userId);
  if (view === current) renderTyping();
}

/** The conversation the others were last told I am typing in, until I send, stop or empty the box. */
let announced: View | undefined;

/** Tells the others I am typing, no more often than the server passes it on; an emptied box tells them I stopped. */
export function typingSignal(text: string): void {
  if (!text.trim()) {
    // The line on their screens goes at once, not 5 s later (docs/protocol.md, `stopped`).
    if (announced) send({ type: 'typing', ...conversationOf(announced), stopped: true });
    typingSent();
    return;
  }
  const now = Date.now();
  if (announced === current && now - lastTypingSent < TYPING_THROTTLE_MS) return;
  lastTypingSent = now;
  announced = current;
  send({ type: 'typing', ...conversationOf(current) });
}

/** My message went out (or the box emptied): the next keystroke is news again. */
export function typingSent(): void {
  lastTypingSent = 0;
  announced = undefined;
}
