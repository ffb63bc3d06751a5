// Who is in which room on the other processes of the site, by hub tag, as their presence events
// and snapshots tell it (see presenceSync.ts for the conversation). Every room is kept, not only
// those with someone here, so that a list, `GET /rooms` and a newcomer's first `join` are
// site-wide. Each change returns what it did to the union of the other processes: a user who
// became present in a room somewhere else, or absent from every other process.
import type { PresenceSnapshot } from '../../bus/bus.js';
import type { User } from '../../shared/protocol/index.js';

/** A user who arrived in a room on the other processes (none had them before), or left all of them. */
export interface RemoteChange {
  room: string;
  change: 'join' | 'left';
  user: User;
}

interface Elsewhere {
  user: User;
  /** The tags of the processes the user is in the room on. */
  tags: Set<string>;
}

export class RemotePresence {
  /** tag → room → user id → user: what each process said it has, to replace or drop it whole. */
  private readonly byTag = new Map<string, Map<string, Map<string, User>>>();
  /** room → user id → on which processes: the union, read by lists. */
  private readonly byRoom = new Map<string, Map<string, Elsewhere>>();

  /** The users present in a room on another process, each once. */
  usersIn(room: string): User[] {
    const users = this.byRoom.get(room);
    return users ? Array.from(users.values(), (entry) => entry.user) : [];
  }

  /** A process's presence event: its user's first connection there entered the room, or its last left. */
  apply(tag: string, room: string, change: 'join' | 'left', user: User): RemoteChange[] {
    const changed = change === 'join' ? this.add(tag, room, user) : this.remove(tag, room, user.id);
    return changed ? [{ room, change, user: changed }] : [];
  }

  /** What a process has now, as a whole (its snapshot): replaces everything known of it. */
  replace(tag: string, snapshot: PresenceSnapshot): RemoteChange[] {
    const changes: RemoteChange[] = [];
    const known = this.byTag.get(tag);
    const wanted = new Map(Object.entries(snapshot).map(([room, users]) => [room, new Set(users.map((user) => user.id))]));
    if (known) {
      for (const [room, users] of known) {
        const keep = wanted.get(room);
        for (const id of [...users.keys()]) {
          if (keep?.has(id)) continue;
          const user = this.remove(tag, room, id);
          if (user) changes.push({ room, change: 'left', user });
        }
      }
    }
    for (const [room, users] of Object.entries(snapshot)) {
      for (const user of users) {
        if (this.add(tag, room, user)) changes.push({ room, change: 'join', user });
      }
    }
    return changes;
  }

  /** A process is gone (said goodbye, or went silent): everyone it had leaves. */
  drop(tag: string): RemoteChange[] {
    return this.replace(tag, {});
  }

  /** The user is now in the room on `tag`; returns them when no other process had them there. */
  private add(tag: string, room: string, user: User): User | undefined {
    let rooms = this.byTag.get(tag);
    if (!rooms) this.byTag.set(tag, (rooms = new Map()));
    let users = rooms.get(room);
    if (!users) rooms.set(room, (users = new Map()));
    if (users.has(user.id)) return undefined;
    users.set(user.id, user);

    let inRoom = this.byRoom.get(room);
    if (!inRoom) this.byRoom.set(room, (inRoom = new Map()));
    const entry = inRoom.get(user.id);
    if (entry) {
      entry.tags.add(tag);
      return undefined;
    }
    inRoom.set(user.id, { user, tags: new Set([tag]) });
    return user;
  }

  /** The user is no longer in the room on `tag`; returns them when no other process has them there. */
  private remove(tag: string, room: string, userId: string): User | undefined {
    const rooms = this.byTag.get(tag);
    const users = rooms?.get(room);
    if (!users?.delete(userId)) return undefined;
    if (users.size === 0) rooms!.delete(room);
    if (rooms!.size === 0) this.byTag.delete(tag);

    const inRoom = this.byRoom.get(room)!;
    const entry = inRoom.get(userId)!;
    entry.tags.delete(tag);
    if (entry.tags.size > 0) return undefined;
    inRoom.delete(userId);
    if (inRoom.size === 0) this.byRoom.delete(room);
    return entry.user;
  }
}
