// One open WebSocket as the chat core sees it. The core never touches the runtime's socket: it
// talks to a Peer, which the transport implements (the way Hono's WSContext stands between
// handlers and the socket), so the core imports neither ws nor node:stream.
import type { Log } from '../log.js';
import type { User } from '../shared/protocol/index.js';
import type { Member } from './presence/roomPresence.js';
import { SendQueue, type Carried, type Coverage, type WorkOptions } from './sendQueue.js';

/** What the core needs of a socket: frames out, and a way to end it. */
export interface Peer {
  /** Queues a complete frame; everything queued in one tick goes out in one write, after the tick's commit. */
  send(frame: Buffer): void;
  /** Queues one frame given in parts (a shared body between a head and a tail of its own), written in a row. */
  sendParts(parts: readonly Buffer[]): void;
  /** Writes what is queued for it, then closes with this code. */
  close(code: number, reason: string): void;
  readonly isOpen: boolean;
  /** Bytes written to it and not yet taken by the reader: a replay waits while this is high. */
  readonly bufferedBytes: number;
}

/** The transport's end of each tick, as the core sees it: make sure a flush runs, or run it now. */
export interface Flusher {
  schedule(): void;
  flush(): void;
}

export interface ConnectOptions {
  /** Resume: send the messages after this id instead of the latest history. */
  since?: number | undefined;
  /** With `since`: also every change after this number to the messages up to `since` (edited, deleted, reactions). */
  changes?: number | undefined;
  /** The sign-in this connection belongs to, so signing out closes exactly its sockets. */
  sessionId?: string | undefined;
  /** `?presence=batch`: `presence` frames instead of one `join`/`left` each. */
  batchPresence?: boolean;
  /** `?people=lazy` (with batched presence): big rooms by number, people found on request. */
  lazyPeople?: boolean;
  /** `?rooms=changes`: a new room announced as the change, not the whole list. */
  roomChanges?: boolean;
  /** `?counts=live`: coalesced `counts` frames, the head-counts of public rooms as they change. */
  liveCounts?: boolean;
}

export class Connection implements Member {
  /** The rooms this connection is in now (presence); membership for good is the store's. */
  readonly rooms = new Set<string>();
  readonly userJson: string;
  readonly sessionId: string | undefined;
  readonly batchPresence: boolean;
  readonly lazyPeople: boolean;
  readonly roomChanges: boolean;
  readonly liveCounts: boolean;
  /** The frame being handled, and the ones after it: each is handled once the one before is done. */
  handling: Promise<void> = Promise.resolve();
  private readonly queue: SendQueue;

  constructor(
    /** Unique across processes and restarts (see Hub.tag): the "not back to the sender's own connection" rule compares it wherever a message is delivered. */
    readonly id: string,
    readonly peer: Peer,
    readonly user: User,
    options: ConnectOptions,
    log: Log,
  ) {
    this.queue = new SendQueue(peer, log);
    this.userJson = JSON.stringify(user);
    this.sessionId = options.sessionId;
    this.batchPresence = options.batchPresence ?? false;
    this.lazyPeople = this.batchPresence && (options.lazyPeople ?? false);
    this.roomChanges = options.roomChanges ?? false;
    this.liveCounts = options.liveCounts ?? false;
  }

  /** A frame to this connection, in order: after any replay of its own still under way. */
  send(frame: Buffer, carried?: Carried): void {
    this.queue.send(frame, carried);
  }

  sendParts(parts: readonly Buffer[]): void {
    this.queue.sendParts(parts);
  }

  /** Work that writes to the peer over several turns (a replay); what is due meanwhile waits for it. */
  later(run: () => Promise<Coverage | void>, options?: WorkOptions): void {
    this.queue.later(run, options);
  }

  /** Messages up to `upTo` in these scopes were sent already (a history page, a replay): a live copy is not. */
  cover(coverage: Coverage): void {
    this.queue.cover(coverage);
  }

  /** The socket closed: nothing waiting for it is sent. */
  closed(): void {
    this.queue.clear();
  }
}
