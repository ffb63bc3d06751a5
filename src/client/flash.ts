// A short note under the conversation ("sent privately", "not found", a server error) that goes by itself.
import { byId } from './dom.js';

const FLASH_SHOWN_MS = 5000;

export function flash(text: string): void {
  const note = byId('flash');
  note.textContent = text;
  note.hidden = false;
  clearTimeout(Number(note.dataset.timer));
  note.dataset.timer = String(setTimeout(() => (note.hidden = true), FLASH_SHOWN_MS));
}
