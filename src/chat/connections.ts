// The connections open in this process, and each user's among them: whom a bus event reaches here.
import type { Connection } from './connection.js';

export class Connections {
  private readonly all = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();

  get size(): number {
    return this.all.size;
  }

  add(connection: Connection): void {
    this.all.add(connection);
    let mine = this.byUser.get(connection.user.id);
    if (!mine) this.byUser.set(connection.user.id, (mine = new Set()));
    mine.add(connection);
  }

  /** False when it was not here (already removed). */
  remove(connection: Connection): boolean {
    if (!this.all.delete(connection)) return false;
    const mine = this.byUser.get(connection.user.id);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.user.id);
    return true;
  }

  ofUser(userId: string): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? NONE;
  }

  [Symbol.iterator](): IterableIterator<Connection> {
    return this.all.values();
  }
}

const NONE: ReadonlySet<Connection> = new Set();
