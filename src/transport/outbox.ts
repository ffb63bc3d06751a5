import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';

/** What the outbox needs of a connection: its socket, the raw stream under it, and a queue. */
export interface Recipient {
  readonly socket: WebSocket;
  /** The TCP stream under the WebSocket: pre-built frames are written to it directly. */
  readonly stream: Duplex;
  /** Frames due to this socket in the current tick, in order. Reused from tick to tick. */
  readonly pending: Buffer[];
  pendingBytes: number;
}

export interface OutboxOptions<R extends Recipient = Recipient> {
  /** A socket with more than this many bytes waiting has stopped reading: it is dropped. */
  maxBufferedBytes: number;
  /** Runs at the start of each tick's flush: last-moment frames (coalesced presence) get queued. */
  beforeFlush: () => void;
  /** Runs before any write: the store's group commit, so nothing is announced before it is kept. */
  commit: () => void;
  onSlowReader: (recipient: R, buffered: number) => void;
  /** The commit failed: nothing queued may go out, so the dirty sockets are closed (they resume). */
  onFlushFailed: (error: unknown) => void;
}

/**
 * A socket with this much queued in one tick is written at once rather than at the end of the
 * tick, so that a busy but healthy reader is never mistaken for a slow one, and the queue stays small.
 */
export const EARLY_WRITE_BYTES = 64 * 1024;

/** Up to this many bytes, a socket's frames are copied into one buffer for its one write. */
const COPY_LIMIT_BYTES = 16 * 1024;

/**
 * Every frame due to a socket in one event-loop tick goes out in a single write, after the store
 * has committed: frames are queued here (no copy, no per-delivery allocation) and flushed on
 * `setImmediate`. Frames are complete WebSocket frames (see frame.ts), shared between recipients.
 */
export class Outbox<R extends Recipient = Recipient> {
  private readonly dirty: R[] = [];
  private scheduled = false;
  private readonly flushNow = () => this.flush();

  constructor(private readonly options: OutboxOptions<R>) {}

  /** Queues a frame for one socket; a socket over its buffer cap is dropped instead. */
  queue(recipient: R, frame: Buffer): void {
    if (recipient.socket.readyState !== WebSocket.OPEN) return;
    const buffered = recipient.stream.writableLength + recipient.pendingBytes;
    if (buffered > this.options.maxBufferedBytes) {
      this.discard(recipient);
      this.options.onSlowReader(recipient, buffered);
      recipient.socket.terminate();
      return;
    }
    if (recipient.pending.length === 0) this.dirty.push(recipient);
    recipient.pending.push(frame);
    recipient.pendingBytes += frame.length;
    if (recipient.pendingBytes >= EARLY_WRITE_BYTES) this.flushOne(recipient);
    else this.schedule();
  }

  /** Queues one frame given in parts (a shared body between its own head and tail), written in a row. */
  queueParts(recipient: R, parts: readonly Buffer[]): void {
    if (parts.length === 1) return this.queue(recipient, parts[0]!);
    if (recipient.socket.readyState !== WebSocket.OPEN) return;
    const last = parts.length - 1;
    // All parts but the last go in unchecked, so that a large frame is never written in two halves.
    if (recipient.pending.length === 0) this.dirty.push(recipient);
    for (let i = 0; i < last; i++) {
      recipient.pending.push(parts[i]!);
      recipient.pendingBytes += parts[i]!.length;
    }
    this.queue(recipient, parts[last]!);
  }

  /** Makes sure a flush runs at the end of this tick (the store batch needs one too). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushNow);
  }

  /** Commits, then writes every queued frame: one write per socket. */
  flush(): void {
    this.scheduled = false;
    try {
      this.options.beforeFlush();
      this.options.commit();
    } catch (error) {
      this.options.onFlushFailed(error);
      for (const recipient of this.dirty) {
        this.discard(recipient);
        recipient.socket.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
      }
      this.dirty.length = 0;
      return;
    }
    const joins = new Joins();
    for (const recipient of this.dirty) this.write(recipient, joins);
    this.dirty.length = 0;
  }

  /**
   * Writes one socket's queue now: before a close frame (ws writes those straight to the stream),
   * or when it has grown large. The store batch is committed first.
   */
  flushOne(recipient: R): void {
    if (recipient.pending.length === 0) return;
    try {
      this.options.commit();
    } catch (error) {
      this.options.onFlushFailed(error);
      this.discard(recipient);
      recipient.socket.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
      return;
    }
    this.write(recipient);
  }

  private write(recipient: R, joins?: Joins): void {
    const { pending } = recipient;
    if (pending.length === 0) return;
    const stream = recipient.stream;
    if (recipient.socket.readyState === WebSocket.OPEN && stream.writable) {
      if (pending.length === 1) {
        stream.write(pending[0]!);
      } else if (recipient.pendingBytes <= COPY_LIMIT_BYTES) {
        stream.write(joins ? joins.of(pending, recipient.pendingBytes) : Buffer.concat(pending, recipient.pendingBytes));
      } else {
        // Large shared buffers (a big room's list) go out by writev rather than being copied.
        stream.cork();
        for (const frame of pending) stream.write(frame);
        stream.uncork();
      }
    }
    this.discard(recipient);
  }

  private discard(recipient: R): void {
    recipient.pending.length = 0;
    recipient.pendingBytes = 0;
  }
}

/**
 * One flush's joined queues, shared: the members of a room mostly have the very same frames due
 * (the same Buffers, framed once), so their queue is copied into one buffer once and that buffer
 * written to each of them, rather than copied again for every socket.
 */
class Joins {
  /** By the first frame of the queue: the queues joined so far that start with it. */
  private readonly byFirst = new Map<Buffer, { frames: Buffer[]; joined: Buffer }[]>();

  of(frames: readonly Buffer[], bytes: number): Buffer {
    let known = this.byFirst.get(frames[0]!);
    const same = known?.find((entry) => entry.joined.length === bytes && sameFrames(entry.frames, frames));
    if (same) return same.joined;
    const joined = Buffer.concat(frames as Buffer[], bytes);
    if (!known) this.byFirst.set(frames[0]!, (known = []));
    // A few per first frame: past that, queues that differ (each socket its own) are not looked through.
    if (known.length < 4) known.push({ frames: frames.slice(), joined });
    return joined;
  }
}

function sameFrames(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
