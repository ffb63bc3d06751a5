// Who may moderate, asked in one place by every path (the chat's commands, the HTTP routes, room
// rights): owners and moderators, kept in the store (Store.moderation). Guests never have a role.
import type { User } from '../shared/protocol/index.js';
import type { Role } from '../store/moderation.js';
import type { Store } from '../store/store.js';

export type { Role };

/** Owners moderate too. */
export const moderates = (role: Role | undefined): boolean => role === 'owner' || role === 'moderator';

/** The user's role now, read from the store (so a role taken away elsewhere counts at once). */
export function roleOf(store: Store, user: Pick<User, 'id'>): Promise<Role | undefined> {
  return store.moderation.roleOf(user.id);
}

/** May delete any message, remove people, block addresses, lock rooms, end any room, remove room members. */
export async function isModerator(store: Store, user: Pick<User, 'id'>): Promise<boolean> {
  return moderates(await roleOf(store, user));
}

/** May make and unmake moderators. */
export async function isOwner(store: Store, user: Pick<User, 'id'>): Promise<boolean> {
  return (await roleOf(store, user)) === 'owner';
}
