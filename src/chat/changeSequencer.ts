// Change events (`edited`, `deleted`, `reactions`) to the hub in change order with no gap, whatever
// the bus lost or reordered; used where several processes write (PostgreSQL), behind the message
// Sequencer (which holds a change until the message it is about has gone out).
//
// Why this is enough: change numbers are dense and commit in number order across every process
// (a one-row counter, `change_ids`, whose row lock is held until COMMIT: store/postgres/changeStatements.ts),
// and a change is published only after its commit. So when change N+1 arrives, every change up to
// N is committed, or never was (rolled back: N+1 then is the next one to take its number); a change
// past the next expected marks a gap the store fills (`changesBetween`, after a moment for the bus
// to bring it), in order; one at or below the last delivered is a copy (unless it is the other
// person's event of a DM change whose first event went out). Hence a connection here hears change
// N only after every change below N that it may see, so a client that saw N live and resumes with
// `changes=N` misses nothing below N committed later: there is none. (A change the store no longer
// has as current, replaced by a later one of its kind, is not read back: the later one, with its
// own number past N, carries the same state, live or in that resume.) What the bus never brings at
// all, with nothing after it, is found by asking the store's last change number now and then.
import type { BusEvent, Origin } from '../bus/bus.js';
import type { MessageChange } from '../store/changes.js';
import { changeEvents } from './changeEvents.js';
import type { SequencerTimes } from './sequencer.js';

export interface ChangeSequencerDeps {
  /** Changes with after < number ≤ upTo still current, in change order, at most `limit`. */
  fetch(after: number, upTo: number, limit: number): Promise<MessageChange[]>;
  /** The last change number committed. */
  newest(): Promise<number>;
  /** The newest message id delivered here: a change about a later one waits for it. */
  messagesUpTo(): number;
  deliver(event: BusEvent): void;
  tooFarBehind(missed: number): void;
  failed(error: unknown): void;
}

/** How many recent changes' delivered audiences are remembered (for a DM's second event). */
const REMEMBERED = 1000;

/** The change number of an `edited`, `deleted` or `reactions` event, else undefined. */
export function changeOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const message = event.message;
  return message.type === 'edited' || message.type === 'deleted' || message.type === 'reactions' ? message.change : undefined;
}

/** Who an event of a change is for: a room, or the people of a DM (each has an event of their own). */
function audienceOf(event: BusEvent): string {
  return event.kind === 'room' ? `room:${event.room}` : event.kind === 'users' ? `users:${event.userIds.join(',')}` : '';
}

export class ChangeSequencer {
  private last: number | undefined;
  private readonly queue: BusEvent[] = [];
  /** The audiences each recent change was delivered to. */
  private readonly delivered = new Map<number, Set<string>>();
  private readonly origins = new Map<number, Origin>();
  private gapTimer: NodeJS.Timeout | undefined;
  private lookTimer: NodeJS.Timeout | undefined;
  private busy = false;
  private suspect = 0;
  private stopped = false;
  private cut = false;

  constructor(
    private readonly deps: ChangeSequencerDeps,
    private readonly times: SequencerTimes,
  ) {}

  async start(): Promise<void> {
    this.last = await this.deps.newest();
    this.scheduleLook();
    this.pump();
  }

  /** Who made one of this process's changes, so one read back from the store still gets its `ref`. */
  remember(change: number, origin: Origin | undefined): void {
    if (origin === undefined) return;
    this.origins.set(change, origin);
    if (this.origins.size > 10_000) this.origins.delete(this.origins.keys().next().value!);
  }

  /** Any event; those that are not changes go straight on. */
  push(event: BusEvent): void {
    if (this.stopped) return;
    if (changeOf(event) === undefined) return this.deps.deliver(event);
    this.queue.push(event);
    this.pump();
  }

  disconnected(): void {
    this.cut = true;
  }

  reconnected(): void {
    this.cut = false;
    void this.catchUp(undefined);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
    clearTimeout(this.lookTimer);
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.last === undefined || this.busy) return;
    while (this.queue.length > 0) {
      const event = this.queue[0]!;
      const change = changeOf(event)!;
      if (change <= this.last) {
        this.queue.shift();
        // The other person's event of a DM change that went out: due; anything else is a copy.
        const audiences = this.delivered.get(change);
        if (audiences && !audiences.has(audienceOf(event))) this.deliver(change, event);
        continue;
      }
      if (change === this.last + 1) {
        this.queue.shift();
        this.last = change;
        this.deliver(change, event);
        continue;
      }
      // The next one may be right behind (two processes' publishes crossed): it goes first.
      const next = this.queue.findIndex((waiting) => changeOf(waiting) === this.last! + 1);
      if (next > 0) {
        this.queue.unshift(...this.queue.splice(next, 1));
        continue;
      }
      this.wait(change - 1);
      return;
    }
  }

  /** A gap up to `upTo`: a moment for the bus to bring it, then the store. */
  private wait(upTo: number): void {
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      void this.catchUp(upTo);
    }, this.times.gapWaitMs);
  }

  /** Reads the changes missing up to `upTo` (or the newest) from the store and delivers them in order. */
  private async catchUp(upTo: number | undefined): Promise<void> {
    if (this.busy || this.last === undefined || this.stopped) return;
    this.busy = true;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    let waitFor: number | undefined;
    try {
      const target = upTo ?? (await this.deps.newest());
      const missed = target - this.last;
      if (missed > this.times.maxCatchUp) {
        this.last = target;
        this.deps.tooFarBehind(missed);
      } else if (missed > 0) {
        // One read: more than maxCatchUp changes is as good as too far behind.
        const changes = await this.deps.fetch(this.last, target, this.times.maxCatchUp + 1);
        if (changes.length > this.times.maxCatchUp) {
          this.last = target;
          this.deps.tooFarBehind(changes.length);
        } else {
          this.last = target;
          for (const change of changes) {
            // About a message not delivered here yet: it and what follows wait for the message sequencer.
            if (change.message.id > this.deps.messagesUpTo()) {
              this.last = change.change - 1;
              waitFor = target;
              break;
            }
            for (const event of changeEvents(change, this.origins.get(change.change))) this.deliver(change.change, event);
          }
        }
      }
    } catch (error) {
      this.deps.failed(error);
    } finally {
      this.busy = false;
    }
    if (waitFor !== undefined) this.wait(waitFor);
    this.pump();
  }

  private deliver(change: number, event: BusEvent): void {
    let audiences = this.delivered.get(change);
    if (!audiences) {
      this.delivered.set(change, (audiences = new Set()));
      this.origins.delete(change);
      for (const old of this.delivered.keys()) {
        if (old > change - REMEMBERED) break;
        this.delivered.delete(old);
      }
    }
    audiences.add(audienceOf(event));
    this.deps.deliver(event);
  }

  /** Now and then: a number the store had at the last look and that is still not delivered was lost on its way. */
  private scheduleLook(): void {
    this.lookTimer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        const newest = await this.deps.newest();
        if (this.cut) await this.catchUp(newest);
        else if (this.suspect > this.last! && this.queue.length === 0) await this.catchUp(this.suspect);
        this.suspect = newest;
      } catch (error) {
        this.deps.failed(error);
      }
      this.scheduleLook();
    }, this.times.lookEveryMs);
    this.lookTimer.unref();
  }
}
