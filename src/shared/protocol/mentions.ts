// `@name` handling: who a message mentions (the store counts with this very function, the page
// highlights with it), and the `@name message` shortcut for a DM. No Node or DOM imports.
import type { User } from './types.js';

/** Whether text mentions the name as `@name` (case-insensitive, not inside a longer word). */
export function mentions(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  let at = lower.indexOf(needle);
  while (at >= 0) {
    const after = lower.slice(at + needle.length, at + needle.length + 1);
    if (after === '' || !/[\p{L}\p{N}_]/u.test(after)) return true;
    at = lower.indexOf(needle, at + 1);
  }
  return false;
}

export type DmCommand = { kind: 'none' } | { kind: 'dm'; candidates: User[]; text: string };

/**
 * Reads `@name message` typed in a room as a direct message to `name`. Names may hold spaces, so
 * the longest known name that the text starts with wins; several people of that name are all
 * returned, for the person to pick one.
 */
export function parseDmCommand(input: string, known: Iterable<User>): DmCommand {
  if (!input.startsWith('@')) return { kind: 'none' };
  let best: { name: string; users: User[] } | undefined;
  for (const user of known) {
    const name = user.name;
    const rest = input.slice(1 + name.length);
    if (!input.slice(1).startsWith(name) || !/^\s/u.test(rest)) continue;
    if (!best || name.length > best.name.length) best = { name, users: [user] };
    else if (name === best.name && !best.users.some((u) => u.id === user.id)) best.users.push(user);
  }
  if (!best) return { kind: 'none' };
  const text = input.slice(1 + best.name.length).trim();
  if (!text) return { kind: 'none' };
  return { kind: 'dm', candidates: best.users, text };
}
