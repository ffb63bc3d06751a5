// User ids (src/identity/ids.ts): short, URL-safe, unique and in the order they were made.
import { describe, expect, it } from 'vitest';
import { newUserId } from '../../src/identity/ids.js';

describe('user ids', () => {
  it('are 20 URL-safe characters, all different, and sort in the order they were made', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 2000 }, (_, i) => newUserId(start + i * 37));
    for (const id of ids) expect(id).toMatch(/^[-0-9A-Z_a-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const sameMillisecond = Array.from({ length: 2000 }, () => newUserId(start));
    expect(new Set(sameMillisecond).size).toBe(sameMillisecond.length);
  });
});
