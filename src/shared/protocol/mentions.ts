// `@name` handling. A chat's mentions are resolved to user ids by the server when it is sent
// (`mentionCandidates` says which names to look up), so that a later person with a like name never
// inherits them; `/msg name message` is the one way to write privately from a room. No Node or DOM.
import { MAX_NAME_LENGTH } from './limits.js';
import type { User } from './types.js';

/** The most `@`s of one message that are looked up: past them, no more people are mentioned. */
export const MAX_MENTIONS = 10;

/** A character that may continue a name: a mention ends before any other. */
const NAME_CHAR = /[\p{L}\p{N}\p{M}_]/u;

/**
 * For each `@` that starts a word (at most MAX_MENTIONS), the names it may stand for, longest
 * first: every run of the text after it that ends where a word does, up to a name's length
 * (names may hold spaces, so `@Ada Lovelace hi` offers "Ada Lovelace hi", "Ada Lovelace", "Ada").
 */
export function mentionCandidates(text: string): string[][] {
  const found: string[][] = [];
  for (let at = text.indexOf('@'); at >= 0 && found.length < MAX_MENTIONS; at = text.indexOf('@', at + 1)) {
    if (at > 0 && NAME_CHAR.test(text[at - 1]!)) continue; // mail@example.com
    // One character past a name's length, to tell whether a name-long run ends a word there.
    const after = [...text.slice(at + 1, at + 1 + (MAX_NAME_LENGTH + 1) * 2)].slice(0, MAX_NAME_LENGTH + 1);
    if (after.length === 0 || !NAME_CHAR.test(after[0]!)) continue;
    const names: string[] = [];
    for (let end = Math.min(after.length, MAX_NAME_LENGTH); end > 0; end--) {
      if (!NAME_CHAR.test(after[end - 1]!)) continue;
      if (end < after.length && NAME_CHAR.test(after[end]!)) continue;
      names.push(after.slice(0, end).join(''));
    }
    if (names.length > 0) found.push(names);
  }
  return found;
}

/** Whether a message mentions the user: resolved when it was sent (see `mentionCandidates`). */
export function mentionsUser(message: { mentions?: readonly string[] }, userId: string): boolean {
  return message.mentions?.includes(userId) ?? false;
}

export type DmCommand = { kind: 'none' } | { kind: 'incomplete' } | { kind: 'dm'; name: string; candidates: User[]; text: string };

/** What starts a private message typed in a room. */
export const DM_COMMAND = '/msg ';

/**
 * Reads `/msg name message`: private to `name`. Names may hold spaces, so the longest known name
 * that follows wins (several people of that name are all returned, for the person to pick one);
 * with no known name, the first word is the name to look up. `incomplete`: `/msg` without a
 * message yet. Anything else (`@name message` included) is a message to the room.
 */
export function parseDmCommand(input: string, known: Iterable<User>): DmCommand {
  if (!input.toLowerCase().startsWith(DM_COMMAND)) return { kind: 'none' };
  const rest = input.slice(DM_COMMAND.length).replace(/^@/u, '');
  let best: { name: string; users: User[] } | undefined;
  for (const user of known) {
    const name = user.name;
    if (!rest.startsWith(name) || !/^\s/u.test(rest.slice(name.length))) continue;
    if (!best || name.length > best.name.length) best = { name, users: [user] };
    else if (name === best.name && !best.users.some((u) => u.id === user.id)) best.users.push(user);
  }
  const name = best?.name ?? /^\S+/u.exec(rest)?.[0];
  if (!name) return { kind: 'incomplete' };
  const text = rest.slice(name.length).trim();
  if (!text) return { kind: 'incomplete' };
  return { kind: 'dm', name, candidates: best?.users ?? [], text };
}
