// Bus events for the bus tests: each labelled, so that what arrived, and in which order, reads plainly.
import type { Bus, BusEvent } from '../../src/bus/bus.js';
import type { Log } from '../../src/log.js';

/** An event labelled `label` (a pong to one connection: any kind would do). */
export const labelled = (label: string): BusEvent => ({
  kind: 'connection',
  userId: 'u-1',
  connectionId: label,
  message: { type: 'pong', ref: label },
});

/** The label of an event made by `labelled`. */
export const labelOf = (event: BusEvent): string => (event.kind === 'connection' ? event.connectionId : `(${event.kind})`);

/** Every event the bus delivers to one subscriber, as it arrives. */
export function collect(bus: Bus): BusEvent[] {
  const seen: BusEvent[] = [];
  bus.subscribe((event) => seen.push(event));
  return seen;
}

/** A log that keeps its lines, for the assertions. */
export function keptLog(): { log: Log; lines: { event: string; fields: Record<string, unknown> }[]; events: () => string[] } {
  const lines: { event: string; fields: Record<string, unknown> }[] = [];
  return { log: (event, fields = {}) => lines.push({ event, fields }), lines, events: () => lines.map((line) => line.event) };
}
