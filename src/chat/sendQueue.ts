// A connection's frames in the order they were due, even while something of its own takes several
// turns of the event loop (a paced replay of what it missed). Frames due meanwhile wait behind
// that work and go out after it. A message a replay or a history page already sent is not sent
// again when the bus delivers it live (it can come after: the bus delivers on a later turn, or
// from another process). When nothing is pending, a frame goes straight to the socket.
import type { Log } from '../log.js';
import { CloseCode, CloseReason } from '../shared/protocol/index.js';
import type { Peer } from './connection.js';

/** A stored message a frame carries: its id, and the conversation a replay covers it by. */
export interface Carried {
  id: number;
  /** `room:<name>`, or `dm` for any direct message (a replay covers all of a user's DMs). */
  scope: string;
}

/** What a finished replay sent: every message of these scopes up to this id. */
export interface Coverage {
  scopes: readonly string[];
  upTo: number;
}

type Step =
  | { kind: 'frame'; frame: Buffer; carried: Carried | undefined }
  | { kind: 'parts'; parts: readonly Buffer[] }
  | { kind: 'work'; run: () => Promise<Coverage | void> };

export class SendQueue {
  private readonly steps: Step[] = [];
  private draining = false;
  /** What replays and history pages sent, by scope: the newest id in each. */
  private readonly covered = new Map<string, number>();

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

  cover({ scopes, upTo }: Coverage): void {
    for (const scope of scopes) this.covered.set(scope, Math.max(this.covered.get(scope) ?? 0, upTo));
  }

  sendParts(parts: readonly Buffer[]): void {
    if (this.draining) this.steps.push({ kind: 'parts', parts });
    else this.peer.sendParts(parts);
  }

  /** Work that takes turns (it writes to the peer itself); what is due after it waits for it. */
  later(run: () => Promise<Coverage | void>): void {
    this.steps.push({ kind: 'work', run });
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
          // The connection cannot be trusted to have everything: it reconnects and resumes.
          this.log('replay_failed', { error: String(error) });
          this.steps.length = 0;
          this.peer.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
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
    return carried !== undefined && carried.id <= (this.covered.get(carried.scope) ?? 0);
  }
}
