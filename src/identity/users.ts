import crypto from 'node:crypto';
import { newUserId } from './ids.js';
import type { User } from '../shared/protocol/index.js';

/** How many built-in avatars there are; a user's `image` is an index into them. */
export const AVATAR_COUNT = 12;

/** A new identity: a fresh id every sign-in, so two people may share a name but never an id. */
export function newUser(name: string): User {
  return { id: newUserId(), name, image: crypto.randomInt(AVATAR_COUNT) };
}
