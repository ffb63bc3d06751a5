// What is typed and not sent, kept in localStorage per user and conversation: a reload, or a switch
// of language (which reloads), brings it back; sending clears it. Nothing is kept while the storage
// is unavailable (a private window that refuses it): the draft then lives as long as the page.
import { me, type View } from './state.js';

function keyOf(view: View): string {
  return `chat.draft.${me.id}.${view.key}`;
}

export function storedDraft(view: View): string {
  try {
    return localStorage.getItem(keyOf(view)) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the box's text for the view; an empty box forgets it. */
export function keepDraft(view: View, text: string): void {
  try {
    if (text.trim()) localStorage.setItem(keyOf(view), text);
    else localStorage.removeItem(keyOf(view));
  } catch {
    // Full or refused: the draft stays in the page only.
  }
}
