// What the migration to held names (schema version 3 on either engine) decides, the same on both:
// each room's name key, in the order rooms were made (a later room whose name is too like an
// earlier one's keeps its name and its messages, but holds no key); and who holds which name among
// the users signed in now, oldest first: a later one whose name is too like an earlier one's is
// told apart by a suffix, `Alice (2)`, as their name from then on. Nobody's messages change.
import { codePointLength, MAX_NAME_LENGTH, nameKey } from '../shared/protocol/index.js';

/** `name (n)`, the name cut short where the suffix would make it longer than a name may be. */
export function withSuffix(name: string, n: number): string {
  const suffix = ` (${n})`;
  const room = MAX_NAME_LENGTH - codePointLength(suffix);
  const base = codePointLength(name) <= room ? name : [...name].slice(0, room).join('').trimEnd();
  return `${base}${suffix}`;
}

/** Each room's key, or null for one whose key an earlier room has; `rooms` in the order they were made. */
export function planRoomKeys<Id>(rooms: readonly { id: Id; name: string }[]): { id: Id; key: string | null }[] {
  const taken = new Set<string>();
  return rooms.map(({ id, name }) => {
    const key = nameKey(name);
    if (taken.has(key)) return { id, key: null };
    taken.add(key);
    return { id, key };
  });
}

export interface PlannedHold {
  userId: string;
  key: string;
  /** The name from now on: as it was, or with a suffix. */
  name: string;
  renamed: boolean;
}

/** Who holds which name: `users` (those signed in now) oldest first; the first of each key keeps their name. */
export function planHolds(users: readonly { id: string; name: string }[]): PlannedHold[] {
  const taken = new Set<string>();
  return users.map(({ id, name }) => {
    let held = name;
    let key = nameKey(held);
    for (let n = 2; taken.has(key); n++) {
      held = withSuffix(name, n);
      key = nameKey(held);
    }
    taken.add(key);
    return { userId: id, key, name: held, renamed: held !== name };
  });
}
