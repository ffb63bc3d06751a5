import { ALWAYS_CONNECTED, type Bus, type BusEvent } from './bus.js';

/**
 * A bus of one process that behaves as a remote one would: each event is delivered on a later
 * turn of the event loop, as a copy that went through JSON, in the order published. The test
 * suites run on it too, so that nothing in the hub relies on a delivery that happens inside
 * `publish` or shares the publisher's objects.
 */
export class DeferredBus implements Bus {
  private readonly listeners = new Set<(event: BusEvent) => void>();
  readonly connected = ALWAYS_CONNECTED.connected;
  readonly onConnectionChange = ALWAYS_CONNECTED.onConnectionChange;
  private readonly waiting: string[] = [];
  private scheduled = false;

  publish(event: BusEvent): void {
    this.waiting.push(JSON.stringify(event));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.deliver());
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.waiting.length = 0;
  }

  private deliver(): void {
    this.scheduled = false;
    for (const text of this.waiting.splice(0)) {
      for (const listener of this.listeners) listener(JSON.parse(text) as BusEvent);
    }
  }
}
