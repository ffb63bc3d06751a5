// What the page keeps in localStorage per signed-in user and conversation (drafts, unsent
// messages), so that a reload brings it back. Where storage is refused or full (a private window),
// nothing is kept, quietly: it then lives as long as the page.
import { me, type View } from './state.js';

export interface KeptPerView {
  read(view: View): string | null;
  /** Keeps `value` for the view; undefined forgets what was kept. */
  write(view: View, value: string | undefined): void;
}

/** The store of one kind of thing (its key `chat.<kind>.<user>.<view>`). */
export function keptPerView(kind: string): KeptPerView {
  const keyOf = (view: View) => `chat.${kind}.${me.id}.${view.key}`;
  return {
    read(view) {
      try {
        return localStorage.getItem(keyOf(view));
      } catch {
        return null;
      }
    },
    write(view, value) {
      try {
        if (value === undefined) localStorage.removeItem(keyOf(view));
        else localStorage.setItem(keyOf(view), value);
      } catch {
        // Full or refused: it stays in the page only.
      }
    },
  };
}
