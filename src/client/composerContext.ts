// The line above the message box that says what the box is for besides a new message: "Replying to
// Ada" or "Editing your message", with a × that cancels it (as Esc does).
import { byId } from './dom.js';

let onCancel: (() => void) | undefined;

export function showContext(text: string, cancel: () => void): void {
  byId('composer-context-text').textContent = text;
  byId('composer-context').hidden = false;
  onCancel = cancel;
}

export function hideContext(): void {
  byId('composer-context').hidden = true;
  onCancel = undefined;
}

export function wireContext(): void {
  byId('composer-context-cancel').addEventListener('click', () => {
    onCancel?.();
    byId('input').focus();
  });
}
