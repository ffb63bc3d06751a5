// Small statistics for the benchmark: percentiles of samples, medians of rounds.

/** The p-th percentile (0–100) of samples, nearest rank; NaN for none. Sorts `values` in place. */
export function percentile(values: Float64Array | number[], p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = values instanceof Float64Array ? values.sort() : values.sort((a, b) => a - b);
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank]!;
}

/** p50, p99 and max of latency samples, in ms. */
export function latencySummary(values: Float64Array | number[]): { p50: number; p99: number; max: number; samples: number } {
  if (values.length === 0) return { p50: NaN, p99: NaN, max: NaN, samples: 0 };
  const p50 = percentile(values, 50);
  const p99 = percentile(values, 99);
  return { p50, p99, max: values[values.length - 1]!, samples: values.length };
}

/** Median of the finite values; NaN when there are none. */
export function median(values: (number | null | undefined)[]): number {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const n = finite.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? finite[(n - 1) / 2]! : (finite[n / 2 - 1]! + finite[n / 2]!) / 2;
}

/** Float64Array that grows by doubling: latency samples without boxing. */
export class Samples {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The i-th value pushed; NaN past the end. */
  at(i: number): number {
    return i >= 0 && i < this.length ? this.data[i]! : NaN;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
