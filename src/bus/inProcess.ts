import type { Bus, BusEvent } from './bus.js';

/** The bus of a single process: every event to every subscriber, at once. */
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
