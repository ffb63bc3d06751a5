/** First reconnect delay, and the most it grows to. */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before reconnect attempt `attempt` (0-based): about 1 s doubling to 30 s,
 * spread by ±20% so that a restarted server is not hit by every browser in the same instant.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
