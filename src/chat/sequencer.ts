// Bus events to the hub in one order, with every stored message exactly once and in id order,
// whatever the bus lost or reordered. Used where several processes write (PostgreSQL).
//
// Why this is enough: on PostgreSQL, message ids are dense and commit in id order across every
// process (the id is taken from a one-row counter whose row lock is held until COMMIT, see
// store/postgres/messages.ts). So when message X is published, which is only after its commit,
// every message below X is committed too, or was never kept (its transaction rolled back, and X
// took its id). A message that arrives with an id past the next expected one therefore marks a
// gap that the database can fill, in order; one at or below the last delivered is a copy. What
// the bus never brings at all (a publish lost with Redis, a process killed between commit and
// publish) is found by asking the store for its newest id now and then.
import type { BusEvent, Origin } from '../bus/bus.js';
import type { StoredMessage } from '../shared/protocol/index.js';

export interface SequencerDeps {
  /** Stored messages with after < id ≤ upTo, in id order, at most `limit`. */
  fetch(after: number, upTo: number, limit: number): Promise<StoredMessage[]>;
  /** The newest message id committed. */
  newest(): Promise<number>;
  deliver(event: BusEvent): void;
  /** So much was missed that it is not sent live: every connection here must resume by itself. */
  tooFarBehind(missed: number): void;
  /** A store read failed: logged; the sequencer tries again on its next look. */
  failed(error: unknown): void;
}

export interface SequencerTimes {
  /** How long a gap may wait for the bus to bring the message before the store is asked. */
  gapWaitMs: number;
  /** How often the store's newest id is checked for what the bus never brought. */
  lookEveryMs: number;
  /** The most messages a catch-up delivers live; past that, connections resume (tooFarBehind). */
  maxCatchUp: number;
}

export const SEQUENCER_TIMES: SequencerTimes = { gapWaitMs: 200, lookEveryMs: 1000, maxCatchUp: 5000 };

/** How many messages one store read of a catch-up brings. */
const FETCH_PAGE = 500;

/** The id of a stored message that an event carries (a chat or a DM), else undefined. */
export function messageIdOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const message = event.message;
  return message.type === 'chat' || message.type === 'dm' ? message.id : undefined;
}

/**
 * The id of the stored message an event is about without carrying it (a `deleted`), else
 * undefined: it goes out only after that message did here, never before it.
 */
export function referredIdOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const type = event.message.type;
  return type === 'deleted' || type === 'edited' || type === 'reactions' ? event.message.id : undefined;
}

export class Sequencer {
  /** The id of the last message delivered (or skipped as older than this process). */
  private last: number | undefined;
  private readonly queue: BusEvent[] = [];
  private gapTimer: NodeJS.Timeout | undefined;
  private lookTimer: NodeJS.Timeout | undefined;
  /** A store read is in flight: nothing is delivered meanwhile, so order holds. */
  private busy = false;
  /** The newest id seen at the last look that had not been delivered then. */
  private suspect = 0;
  private stopped = false;
  /** The bus is away: nothing of the other processes comes by it, so nothing is merely in flight. */
  private cut = false;
  /** This process's own recent messages' origins, so a copy read from the store still gets its `ref` back. */
  private readonly origins = new Map<number, Origin>();

  constructor(
    private readonly deps: SequencerDeps,
    private readonly times: SequencerTimes = SEQUENCER_TIMES,
  ) {}

  /** The id of the last message delivered here (0 before start). */
  get deliveredUpTo(): number {
    return this.last ?? 0;
  }

  /** Starts from the store's newest id: what is older was committed before this process listened. */
  async start(): Promise<void> {
    this.last = await this.deps.newest();
    this.scheduleLook();
    this.pump();
  }

  /** Remembers who sent one of this process's messages (kept for a while, a bounded number). */
  remember(id: number, origin: Origin | undefined): void {
    if (origin === undefined) return;
    this.origins.set(id, origin);
    if (this.origins.size > 10_000) this.origins.delete(this.origins.keys().next().value!);
  }

  push(event: BusEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.pump();
  }

  /** The bus stopped reaching the other processes: their messages are read from the store at each look. */
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
      const event = this.queue[0]!;
      const id = messageIdOf(event);
      const about = id === undefined ? referredIdOf(event) : undefined;
      if (id === undefined && (about === undefined || about <= this.last)) {
        this.queue.shift();
        this.deliver(event);
        continue;
      }
      if (id !== undefined && id <= this.last) {
        this.queue.shift();
        continue;
      }
      if (id === this.last + 1) {
        this.queue.shift();
        this.last = id;
        this.deliver(event);
        continue;
      }
      // The next one may be right behind (two processes' publishes crossed): it goes first.
      const next = this.queue.findIndex((waiting) => messageIdOf(waiting) === this.last! + 1);
      if (next > 0) {
        this.queue.unshift(...this.queue.splice(next, 1));
        continue;
      }
      // A message past the next waits for those before it; a change to one not here yet, for it
      // (read from the store; then the change goes on, to the change sequencer where there is one).
      const upTo = id !== undefined ? id - 1 : about!;
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = undefined;
        void this.catchUp(upTo);
      }, this.times.gapWaitMs);
      return;
    }
  }

  /** Reads what is missing from the store, up to `upTo` (or its newest), and delivers it in order. */
  private async catchUp(upTo: number | undefined): Promise<void> {
    if (this.busy || this.last === undefined || this.stopped) return;
    this.busy = true;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    try {
      const target = upTo ?? (await this.deps.newest());
      const missed = target - this.last;
      if (missed > this.times.maxCatchUp) {
        this.last = target;
        this.deps.tooFarBehind(missed);
      }
      while (this.last < target && !this.stopped) {
        const page = await this.deps.fetch(this.last, target, FETCH_PAGE);
        for (const message of page) this.deliver(this.eventFor(message));
        this.last = page.length < FETCH_PAGE ? target : page.at(-1)!.id;
      }
    } catch (error) {
      this.deps.failed(error);
    } finally {
      this.busy = false;
    }
    this.pump();
  }

  private deliver(event: BusEvent): void {
    const id = messageIdOf(event);
    if (id !== undefined) this.origins.delete(id);
    this.deps.deliver(event);
  }

  /** A stored message as the event its publisher made of it. */
  private eventFor(message: StoredMessage): BusEvent {
    const origin = this.origins.get(message.id);
    if (message.type === 'chat') return { kind: 'room', room: message.room, message, ...(origin && { origin }) };
    const userIds = message.user.id === message.to.id ? [message.user.id] : [message.user.id, message.to.id];
    return { kind: 'users', userIds, message, ...(origin && { origin }) };
  }

  /**
   * Now and then: an id the store has that was not delivered by the previous look either was
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
