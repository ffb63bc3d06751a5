// One process's own connection to a bus that several in-process servers share (one DeferredBus
// standing for Redis). Closing it detaches that server alone, as a process's Redis connection
// would; a test can also cut it (the process vanishes for the others, without a goodbye: a crash
// or a frozen machine) or take it away and bring it back (that process's bus outage).
import type { Bus, BusEvent } from '../../src/bus/bus.js';

type Listener = (event: BusEvent) => void;

export class BusLink implements Bus {
  private readonly detach = new Map<Listener, () => void>();
  private readonly watchers = new Set<(connected: boolean) => void>();
  private cut = false;
  private away = false;

  constructor(private readonly shared: Bus) {}

  get connected(): boolean {
    return !this.away;
  }

  publish(event: BusEvent): void {
    if (this.cut) return;
    if (!this.away) return this.shared.publish(event);
    // Away: what is published here reaches this process's subscribers only, later, as a copy.
    const copy = JSON.stringify(event);
    setImmediate(() => {
      for (const listener of this.detach.keys()) listener(JSON.parse(copy) as BusEvent);
    });
  }

  subscribe(listener: Listener): () => void {
    const unsubscribe = this.shared.subscribe((event) => {
      if (!this.cut && !this.away) listener(event);
    });
    this.detach.set(listener, unsubscribe);
    return () => {
      unsubscribe();
      this.detach.delete(listener);
    };
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** The process is gone for the others: nothing it publishes reaches anyone, nothing reaches it. */
  sever(): void {
    this.cut = true;
  }

  /** The bus no longer reaches the other processes (nor they this one), and the process is told. */
  goAway(): void {
    this.away = true;
    for (const watcher of this.watchers) watcher(false);
  }

  /** The bus reaches the others again, and the process is told. */
  comeBack(): void {
    this.away = false;
    for (const watcher of this.watchers) watcher(true);
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.detach.values()) unsubscribe();
    this.detach.clear();
    this.watchers.clear();
  }
}
