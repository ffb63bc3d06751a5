// A connection's frames in the order they were due, even while something of its own takes several
// turns of the event loop (a paced replay of what it missed). Frames due meanwhile wait behind
// that work and go out after it. A message a replay or a history page already sent is not sent
// again when the bus delivers it live (it can come after: the bus delivers on a later turn, or
// from another process). When nothing is pending, a frame goes straight to the socket.
import type { Log } from '../log.js';
import { jsonFrame } from '../transport/frame.js';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import type { Peer } from './connection.js';
import { errorMessage, refusalOf } from './errors.js';

/** A stored message a frame carries: its id, and the conversation a replay covers it by. */
export interface Carried {
  id: number;
  /** `room:<name>`, or `dm` for any direct message (a replay covers all of a user's DMs). */
  scope: string;
  /** A change frame's number (`edited`, `deleted`, `reactions`): `id` is then the message it is about. */
  change?: number;
}

/** What a finished replay sent: every message of these scopes up to this id (and, resumed with `changes`, the changes below). */
export interface Coverage {
  scopes: readonly string[];
  upTo: number;
  changes?: ChangeCoverage;
}

/**
 * The changes a resume with `changes=` showed, in its scopes: every change up to `upTo` (committed
 * before it read anything, so what it sent shows them all), and beyond that, per message id, the
 * highest change its frames showed (a message or a change frame read after a later commit).
 */
export interface ChangeCoverage {
  upTo: number;
  sent: ReadonlyMap<number, number>;
}

export interface WorkOptions {
  /**
   * What comes after the work assumes it was sent whole (a replay: the client resumes from the last
   * id it saw), so a failure closes the connection, and the client resumes. Otherwise (a history
   * page) a store out of reach is told as the `unavailable` error and the frames after it still go.
   */
  gapless?: boolean;
}

type Step =
  | { kind: 'frame'; frame: Buffer; carried: Carried | undefined }
  | { kind: 'parts'; parts: readonly Buffer[] }
  | { kind: 'work'; run: () => Promise<Coverage | void>; gapless: boolean };

export class SendQueue {
  private readonly steps: Step[] = [];
  private draining = false;
  /** What replays and history pages sent, by scope: the newest id in each. */
  private readonly covered = new Map<string, number>();
  /** What resumes with `changes=` showed, by scope (every change up to a number), and past that by message. */
  private readonly changesCovered = new Map<string, number>();
  private readonly changesSent = new Map<number, number>();

  constructor(
    private readonly peer: Peer,
    private readonly log: Log,
  ) {}

  /** True while work of this connection's own is under way: frames wait behind it. */
  get busy(): boolean {
    return this.draining;
  }

  send(frame: Buffer, carried?: Carried): void {
    if (this.draining) this.steps.push({ kind: 'frame', frame, carried });
    else if (!this.sentAlready(carried)) this.peer.send(frame);
  }

  cover({ scopes, upTo, changes }: Coverage): void {
    for (const scope of scopes) this.covered.set(scope, Math.max(this.covered.get(scope) ?? 0, upTo));
    if (!changes) return;
    for (const scope of scopes) this.changesCovered.set(scope, Math.max(this.changesCovered.get(scope) ?? 0, changes.upTo));
    for (const [id, change] of changes.sent) this.changesSent.set(id, Math.max(this.changesSent.get(id) ?? 0, change));
  }

  sendParts(parts: readonly Buffer[]): void {
    if (this.draining) this.steps.push({ kind: 'parts', parts });
    else this.peer.sendParts(parts);
  }

  /** Work that takes turns (it writes to the peer itself); what is due after it waits for it. */
  later(run: () => Promise<Coverage | void>, { gapless = false }: WorkOptions = {}): void {
    this.steps.push({ kind: 'work', run, gapless });
    if (!this.draining) void this.drain();
  }

  /** The socket is gone: nothing waiting matters any more. */
  clear(): void {
    this.steps.length = 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    for (let step = this.steps.shift(); step; step = this.steps.shift()) {
      if (step.kind === 'work') {
        try {
          const coverage = await step.run();
          if (coverage) this.cover(coverage);
        } catch (error) {
          const unavailable = isStoreUnavailable(error);
          const refusal = unavailable && !step.gapless ? refusalOf(error) : undefined;
          if (refusal) {
            this.peer.send(jsonFrame(errorMessage(refusal)));
            continue;
          }
          // The connection cannot be trusted to have everything: it reconnects (later, when the
          // store is out of reach) and resumes.
          this.log('replay_failed', { error: String(error) });
          this.steps.length = 0;
          if (unavailable) this.peer.close(CloseCode.TRY_AGAIN_LATER, CloseReason.STORE_UNAVAILABLE);
          else this.peer.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
        }
      } else if (step.kind === 'parts') {
        this.peer.sendParts(step.parts);
      } else if (!this.sentAlready(step.carried)) {
        this.peer.send(step.frame);
      }
    }
    this.draining = false;
  }

  private sentAlready(carried: Carried | undefined): boolean {
    if (carried === undefined) return false;
    if (carried.change === undefined) return carried.id <= (this.covered.get(carried.scope) ?? 0);
    return carried.change <= (this.changesCovered.get(carried.scope) ?? 0) || carried.change <= (this.changesSent.get(carried.id) ?? 0);
  }
}
