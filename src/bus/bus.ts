import type { ServerMessage, User } from '../shared/protocol/index.js';

/** Where a message came from, so the sender's own connection gets its `ref` back. */
export interface Origin {
  connectionId: string;
  ref?: string;
}

/**
 * One fan-out instruction. Every process's hub delivers it to its own matching connections.
 * `except` leaves out one connection (by id), `exceptUser` every connection of one user.
 */
export type BusEvent =
  | { kind: 'room'; room: string; message: ServerMessage; origin?: Origin; except?: string; exceptUser?: string }
  | { kind: 'users'; userIds: string[]; message: ServerMessage; origin?: Origin; except?: string }
  | { kind: 'everyone'; message: ServerMessage }
  /** Someone's first connection entered a room, or their last left it; hubs coalesce these. */
  | { kind: 'presence'; room: string; change: 'join' | 'left'; user: User }
  /** Closes the user's connections: those of one session (sign-out), or all (sign out everywhere). */
  | { kind: 'disconnect'; userId: string; sessionId?: string; code: number; reason: string };

/**
 * The fan-out seam. In-process now; a Redis pub/sub bus can implement the same two calls so that
 * several processes behind nginx deliver each other's messages without changing the hub.
 */
export interface Bus {
  publish(event: BusEvent): void;
  subscribe(listener: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

export class InProcessBus implements Bus {
  private readonly listeners = new Set<(event: BusEvent) => void>();

  publish(event: BusEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
