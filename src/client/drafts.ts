// What is typed and not sent, kept per user and conversation (keptPerView.ts): a reload, or a
// switch of language (which reloads), brings it back; sending clears it.
import { keptPerView } from './keptPerView.js';
import type { View } from './state.js';

const drafts = keptPerView('draft');

export function storedDraft(view: View): string {
  return drafts.read(view) ?? '';
}

/** Keeps the box's text for the view; an empty box forgets it. */
export function keepDraft(view: View, text: string): void {
  drafts.write(view, text.trim() ? text : undefined);
}
