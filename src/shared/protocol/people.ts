import { PEOPLE_RESULTS } from './limits.js';
import type { User } from './types.js';

/**
 * The people a `people` request finds, at most PEOPLE_RESULTS: a name matches when it contains
 * `q`, or `q` starts with it (so `@name message`, sent whole, finds `name`), ignoring case. Those
 * `q` starts with come first, then those whose name starts with `q`, then the rest.
 */
export function peopleMatching(users: Iterable<User>, q: string): User[] {
  const query = q.toLocaleLowerCase();
  const ranked: [User[], User[], User[]] = [[], [], []];
  for (const user of users) {
    const name = user.name.toLocaleLowerCase();
    if (query.startsWith(name)) ranked[0].push(user);
    else if (name.startsWith(query)) ranked[1].push(user);
    else if (name.includes(query)) ranked[2].push(user);
    if (ranked[0].length >= PEOPLE_RESULTS) break;
  }
  return ranked.flat().slice(0, PEOPLE_RESULTS);
}
