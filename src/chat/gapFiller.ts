// The one ordering core behind both sequencers (sequencer.ts: messages by id; changeSequencer.ts:
// changes by change number): bus events in, the same events out in number order, each number once,
// whatever the bus lost, doubled or reordered. Used where several processes write (PostgreSQL).
//
// Why this is enough: what it orders is numbered densely and committed in number order across every
// process (a one-row counter whose row lock is held until COMMIT: store/postgres/messageIds.ts), and
// published only after its commit. So when number N arrives, everything below N is committed, or
// never was (rolled back: N took its number). An event past the next expected number marks a gap the
// store can fill, in order (after a moment for the bus to bring it); one at or below the last
// delivered is a copy. What the bus never brings at all, with nothing after it (a publish lost with
// Redis, a process killed between commit and publish), is found by asking the store for its newest
// number now and then; while the bus is away, at every such look.
import type { BusEvent, Origin } from '../bus/bus.js';

export interface SequencerTimes {
  /** How long a gap may wait for the bus to bring what is missing before the store is asked. */
  gapWaitMs: number;
  /** How often the store's newest number is checked for what the bus never brought. */
  lookEveryMs: number;
  /** The most numbers a catch-up delivers live; past that, connections resume (tooFarBehind). */
  maxCatchUp: number;
}

export const SEQUENCER_TIMES: SequencerTimes = { gapWaitMs: 200, lookEveryMs: 1000, maxCatchUp: 5000 };

/** How many items one store read of a catch-up brings. */
const READ_PAGE = 500;

/** How many recent numbers' audiences are remembered, where one number is several events. */
const REMEMBERED = 1000;

/**
 * Where an event goes: at its own number; after a number (it is about that one, and goes once that
 * one has; 0: it merely keeps its place in line); or straight on, being no part of this order.
 */
export type Place = { at: number } | { after: number } | 'through';

/** What a use of the core tells it: its numbers, its store, and where events go. */
export interface GapFillerDeps<Item> {
  place(event: BusEvent): Place;
  /** Committed items with after < number ≤ upTo, in number order, the first `limit` (fewer: no more). */
  fetch(after: number, upTo: number, limit: number): Promise<Item[]>;
  /** The newest number committed. */
  newest(): Promise<number>;
  numberOf(item: Item): number;
  /** An item read from the store as the events its publisher made of it (with the origin, when it was this process's). */
  eventsOf(item: Item, origin: Origin | undefined): BusEvent[];
  /** Whether an item read from the store may go out yet: if not, it and what follows wait a moment and are read again. */
  ready?(item: Item): boolean;
  /** Where one number is several events (a DM change: one for each person), who each is for: a copy for another is due. */
  audienceOf?(event: BusEvent): string;
  deliver(event: BusEvent): void;
  /** So much was missed that it is not sent live: every connection here must resume by itself. */
  tooFarBehind(missed: number): void;
  /** A store read failed: logged; the core tries again on its next look. */
  failed(error: unknown): void;
}

interface Waiting {
  event: BusEvent;
  place: Exclude<Place, 'through'>;
}

export class GapFiller<Item> {
  /** The last number delivered (or skipped as older than this process, or as too far behind). */
  private last: number | undefined;
  private readonly queue: Waiting[] = [];
  private gapTimer: NodeJS.Timeout | undefined;
  private lookTimer: NodeJS.Timeout | undefined;
  /** A store read is in flight: nothing is delivered meanwhile, so order holds. */
  private busy = false;
  /** The newest number seen at the last look that had not been delivered then. */
  private suspect = 0;
  private stopped = false;
  /** The bus is away: nothing of the other processes comes by it, so nothing is merely in flight. */
  private cut = false;
  /** This process's own recent items' origins, so a copy read from the store still gets its `ref` back. */
  private readonly origins = new Map<number, Origin>();
  /** The audiences each recent number was delivered to (only with `audienceOf`). */
  private readonly delivered = new Map<number, Set<string>>();

  constructor(
    private readonly deps: GapFillerDeps<Item>,
    private readonly times: SequencerTimes = SEQUENCER_TIMES,
  ) {}

  /** The last number delivered here (0 before start). */
  get deliveredUpTo(): number {
    return this.last ?? 0;
  }

  /** Starts from the store's newest number: what is older was committed before this process listened. */
  async start(): Promise<void> {
    this.last = await this.deps.newest();
    this.scheduleLook();
    this.pump();
  }

  /** Remembers who made one of this process's items (kept for a while, a bounded number). */
  remember(number: number, origin: Origin | undefined): void {
    if (origin === undefined) return;
    this.origins.set(number, origin);
    if (this.origins.size > 10_000) this.origins.delete(this.origins.keys().next().value!);
  }

  push(event: BusEvent): void {
    if (this.stopped) return;
    const place = this.deps.place(event);
    if (place === 'through') return this.deps.deliver(event);
    this.queue.push({ event, place });
    this.pump();
  }

  /** The bus stopped reaching the other processes: their items are read from the store at each look. */
  disconnected(): void {
    this.cut = true;
  }

  /** The bus is back: what it lost meanwhile is read now, not at the next look. */
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

  /** Delivers what can go in order; a gap waits for the bus a little, then for the store. */
  private pump(): void {
    if (this.last === undefined || this.busy) return;
    while (this.queue.length > 0) {
      const { event, place } = this.queue[0]!;
      if ('after' in place ? place.after <= this.last : place.at <= this.last) {
        this.queue.shift();
        if ('after' in place) this.deliver(undefined, event);
        else if (this.copyDue(place.at, event)) this.deliver(place.at, event);
        continue;
      }
      if ('at' in place && place.at === this.last + 1) {
        this.queue.shift();
        this.last = place.at;
        this.deliver(place.at, event);
        continue;
      }
      // The next one may be right behind (two processes' publishes crossed): it goes first.
      const next = this.queue.findIndex((waiting) => 'at' in waiting.place && waiting.place.at === this.last! + 1);
      if (next > 0) {
        this.queue.unshift(...this.queue.splice(next, 1));
        continue;
      }
      // Past the next, it waits for those before it; about one not here yet, for that one.
      this.wait('at' in place ? place.at - 1 : place.after);
      return;
    }
  }

  /** A copy of a number delivered: due only to an audience that number's events did not reach yet. */
  private copyDue(number: number, event: BusEvent): boolean {
    const audiences = this.deps.audienceOf && this.delivered.get(number);
    return audiences !== undefined && !audiences.has(this.deps.audienceOf!(event));
  }

  /** A gap up to `upTo`: a moment for the bus to bring it, then the store. */
  private wait(upTo: number): void {
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      void this.catchUp(upTo);
    }, this.times.gapWaitMs);
  }

  /** Reads what is missing from the store, up to `upTo` (or its newest), and delivers it in order. */
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
      }
      while (this.last < target && !this.stopped && waitFor === undefined) {
        const page = await this.deps.fetch(this.last, target, READ_PAGE);
        for (const item of page) {
          const number = this.deps.numberOf(item);
          // Not to go out yet (a change to a message not delivered here): it and what follows wait.
          if (this.deps.ready && !this.deps.ready(item)) {
            this.last = number - 1;
            waitFor = target;
            break;
          }
          for (const event of this.deps.eventsOf(item, this.origins.get(number))) this.deliver(number, event);
        }
        if (waitFor === undefined) this.last = page.length < READ_PAGE ? target : this.deps.numberOf(page.at(-1)!);
      }
    } catch (error) {
      this.deps.failed(error);
    } finally {
      this.busy = false;
    }
    if (waitFor !== undefined) this.wait(waitFor);
    this.pump();
  }

  private deliver(number: number | undefined, event: BusEvent): void {
    if (number !== undefined) {
      this.origins.delete(number);
      if (this.deps.audienceOf) this.audiencesOf(number).add(this.deps.audienceOf(event));
    }
    this.deps.deliver(event);
  }

  /** The audiences a number went to, remembered for the last REMEMBERED numbers. */
  private audiencesOf(number: number): Set<string> {
    let audiences = this.delivered.get(number);
    if (!audiences) {
      this.delivered.set(number, (audiences = new Set()));
      for (const old of this.delivered.keys()) {
        if (old > number - REMEMBERED) break;
        this.delivered.delete(old);
      }
    }
    return audiences;
  }

  /**
   * Now and then: a number the store had at the previous look and that is still not delivered was
   * lost on its way (not merely in flight), so it is read from the store.
   */
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
