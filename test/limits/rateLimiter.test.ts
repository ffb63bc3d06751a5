// The limiter of sign-ins and messages: a sliding window per key.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/limits/rateLimiter.js';

describe('RateLimiter', () => {
  it('allows `limit` hits per sliding window, per key', () => {
    const limiter = new RateLimiter(2, 1000);
    expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 100)).toBe(true);
    expect(limiter.take('a', 200)).toBe(false);
    expect(limiter.take('b', 200)).toBe(true);
    expect(limiter.take('a', 1001)).toBe(true);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0, 1000);
    for (let i = 0; i < 100; i++) expect(limiter.take('a', 0)).toBe(true);
  });
});
