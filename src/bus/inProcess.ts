import { ALWAYS_CONNECTED, type Bus, type BusEvent } from './bus.js';

/** The bus of a single process: every event to every subscriber, at once. */
export class InProcessBus implements Bus {
  private readonly listeners = new Set<(event: BusEvent) => void>();
  readonly connected = ALWAYS_CONNECTED.connected;
  readonly onConnectionChange = ALWAYS_CONNECTED.onConnectionChange;

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
