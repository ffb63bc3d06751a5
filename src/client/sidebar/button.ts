// The sidebar button of a conversation (a room or a DM thread), and which one is marked current.
import { type View } from '../state.js';

export function sidebarButton(view: View): HTMLButtonElement | null {
  const selector =
    view.kind === 'room' ? `.room-link[data-room="${CSS.escape(view.target)}"]` : `.dm-link[data-user-id="${CSS.escape(view.target)}"]`;
  return document.querySelector<HTMLButtonElement>(selector);
}

/** Marks the view's button as the conversation on screen, and no other. */
export function markCurrentButton(view: View): void {
  for (const button of document.querySelectorAll('.room-link, .dm-link')) button.removeAttribute('aria-current');
  sidebarButton(view)?.setAttribute('aria-current', 'true');
}
