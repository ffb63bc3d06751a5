// What goes over the Redis channel: the event's JSON inside a small envelope that says which bus
// published it and its number there, so that a bus knows its own events when they come back.
import type { BusEvent } from './bus.js';

export interface Envelope {
  /** The publishing bus's random tag. */
  from: string;
  /** Its count of publishes, from 1. */
  seq: number;
  event: BusEvent;
}

/** The envelope around an event already in JSON (built as text: the event is stringified once). */
export function wrap(from: string, seq: number, eventJson: string): string {
  return `{"from":${JSON.stringify(from)},"seq":${seq},"event":${eventJson}}`;
}

/** The envelope in a message, or undefined when it is not one (anything else on the channel). */
export function unwrap(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { from, seq, event } = value as Partial<Envelope>;
  if (typeof from !== 'string' || typeof seq !== 'number' || typeof event !== 'object' || event === null) return undefined;
  return { from, seq, event };
}
