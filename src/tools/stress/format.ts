// Counting and formatting for the table: tallies, kilo- and megabytes, seconds; and a seeded random generator.

export function count<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export function tally(map: Map<string | number, number>): string {
  if (map.size === 0) return 'none';
  return [...map].map(([key, n]) => `${key}×${n}`).join(' ');
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
/** Small sizes (a log file, a page): kB below a megabyte, then as `mb`. */
export const kb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} kB` : mb(bytes));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** mulberry32: a small seeded generator, so a run's garbage can be replayed with --seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
