// Who a chat's `@name`s are, resolved once, when it is sent: the person holding that name then (an
// account, or a guest signed in), so that whoever takes a like name later never inherits them.
import { mentionCandidates, nameKey } from '../shared/protocol/index.js';
import { holdsName, type Store } from '../store/store.js';

/** The most names one message may have looked up (each a store read): a long run of `@`s costs no more. */
const MAX_LOOKUPS = 24;

/** The ids of the people `text` mentions, in the order first mentioned; sessions made after `liveAfter` count as signed in. */
export async function resolveMentions(store: Store, text: string, liveAfter: number): Promise<string[]> {
  if (!text.includes('@')) return [];
  const ids: string[] = [];
  const asked = new Map<string, string | undefined>();
  let lookups = 0;
  for (const names of mentionCandidates(text)) {
    for (const name of names) {
      const key = nameKey(name);
      if (!key) continue;
      if (!asked.has(key)) {
        if (lookups++ >= MAX_LOOKUPS) return ids;
        const holder = await store.nameHolder(key, liveAfter);
        asked.set(key, holdsName(holder) ? holder.user.id : undefined);
      }
      const id = asked.get(key);
      if (id === undefined) continue;
      if (!ids.includes(id)) ids.push(id);
      break; // the longest name that is someone's
    }
  }
  return ids;
}
