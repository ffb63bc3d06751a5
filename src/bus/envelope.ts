// What goes over the Redis channel: a turn's events in JSON inside a small envelope that says which
// bus published them and the number there of the first (the others follow it, one each), so that a
// bus knows its own events when they come back.
import type { BusEvent } from './bus.js';

export interface Envelope {
  /** The publishing bus's random tag. */
  from: string;
  /** Its count of publishes, from 1, of the first event; event i has `seq + i`. */
  seq: number;
  events: BusEvent[];
}

/** The envelope around events already in JSON (built as text: each event is stringified once). */
export function wrap(from: string, seq: number, eventJsons: readonly string[]): string {
  return `{"from":${JSON.stringify(from)},"seq":${seq},"events":[${eventJsons.join(',')}]}`;
}

/**
 * The envelope in a message, or undefined when it is not one (anything else on the channel). An
 * envelope of one `event` (what processes of an earlier version publish) reads as a list of one.
 */
export function unwrap(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { from, seq, events, event } = value as Partial<Envelope> & { event?: unknown };
  if (typeof from !== 'string' || typeof seq !== 'number') return undefined;
  const list = Array.isArray(events) ? events : event !== undefined ? [event] : undefined;
  if (!list || !list.every((item) => typeof item === 'object' && item !== null)) return undefined;
  return { from, seq, events: list as BusEvent[] };
}
