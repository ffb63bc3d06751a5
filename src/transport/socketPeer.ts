// A ws socket as the chat core's Peer: frames go through the outbox (one write per tick, after the
// commit), and a close writes what is queued first.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Peer } from '../chat/connection.js';
import type { Outbox, Recipient } from './outbox.js';

/** How long a closed socket has to answer our close before it is cut. */
const CLOSE_GRACE_MS = 1000;

export class SocketPeer implements Peer, Recipient {
  readonly pending: Buffer[] = [];
  pendingBytes = 0;

  constructor(
    readonly socket: WebSocket,
    /** The TCP stream under the WebSocket: the outbox writes pre-built frames to it directly. */
    readonly stream: Duplex,
    private readonly outbox: Outbox<SocketPeer>,
    /** Whose socket it is, for the log. */
    readonly userId: string,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedBytes(): number {
    return this.stream.writableLength + this.pendingBytes;
  }

  send(frame: Buffer): void {
    this.outbox.queue(this, frame);
  }

  sendParts(parts: readonly Buffer[]): void {
    this.outbox.queueParts(this, parts);
  }

  close(code: number, reason: string): void {
    this.outbox.flushOne(this);
    this.socket.close(code, reason);
    // A peer that does not answer the close soon (one flooding us has thousands of frames in
    // flight before its answer) is cut, rather than read for ws's 30 s close timeout.
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}
