// The sidebar buttons of conversations (rooms and DM threads), and which one is marked current.
import { type View } from '../state.js';

export function roomButton(room: string): HTMLButtonElement | null {
  return document.querySelector<HTMLButtonElement>(`.room-link[data-room="${CSS.escape(room)}"]`);
}

export function dmButton(userId: string): HTMLButtonElement | null {
  return document.querySelector<HTMLButtonElement>(`.dm-link[data-user-id="${CSS.escape(userId)}"]`);
}

export function sidebarButton(view: View): HTMLButtonElement | null {
  return view.kind === 'room' ? roomButton(view.target) : dmButton(view.target);
}

/** Marks the view's button as the conversation on screen, and no other. */
export function markCurrentButton(view: View): void {
  for (const button of document.querySelectorAll('.room-link, .dm-link')) button.removeAttribute('aria-current');
  sidebarButton(view)?.setAttribute('aria-current', 'true');
}
