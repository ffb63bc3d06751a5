// The page's reconnect delay: doubling from about a second up to 30 s, with jitter.
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../src/client/backoff.js';

describe('reconnectDelay', () => {
  it('starts near 1 s, doubles, stops at 30 s, with jitter', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(1000);
    expect(reconnectDelay(1, () => 0.5)).toBe(2000);
    expect(reconnectDelay(10, () => 0.5)).toBe(30_000);
    expect(reconnectDelay(0, () => 0)).toBe(800);
    expect(reconnectDelay(0, () => 1)).toBe(1200);
  });
});
