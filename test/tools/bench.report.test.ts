// The bench's verdicts: with every scenario run on every target, each target is judged, none left
// "n/a". Two of issue 4's (latency against frame-once, connecting against plain) read their
// ratio by its place in a list, and went silently unjudged once a ratio was put before them.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/tools/bench/figures.js';
import { computeRatios, computeTargets } from '../../src/tools/bench/report.js';
import { SCENARIOS } from '../../src/tools/bench/scenarios.js';
import { TARGETS } from '../../src/tools/bench/targets.js';

/** One round of every scenario on every target, each metric `value` (any metric asked for). */
function everyRun(value: (scenario: string, target: string, metric: string) => number): RunRecord[] {
  return SCENARIOS.flatMap((scenario) =>
    TARGETS.map((target, position) => ({
      round: 1,
      position,
      scenario,
      target,
      ok: true,
      startedAt: new Date(0).toISOString(),
      durationMs: 1,
      lost: 0,
      generatorBound: false,
      notes: [],
      metrics: new Proxy({}, { get: (_, metric) => (typeof metric === 'string' ? value(scenario, target, metric) : undefined) }) as Record<string, number>,
    })),
  );
}

describe('the bench report', () => {
  it('judges every target when every scenario ran on every target', () => {
    const records = everyRun(() => 1);
    const targets = computeTargets(records, computeRatios(records, 1));
    expect(targets.filter((target) => target.pass === null).map((target) => target.label)).toEqual([]);
  });

  it('judges latency against frame-once by the latency p99s, and connecting against plain by the connect times', () => {
    // The product's p99 twice frame-once's (a miss); its connecting 1.5× plain's (a pass); everything else even.
    const records = everyRun((scenario, target, metric) => {
      if (scenario === 'latency' && metric === 'p99Ms') return target === 'product' ? 20 : 10;
      if (scenario === 'idle' && metric === 'connectMs') return target === 'product' ? 15 : 10;
      return 1;
    });
    const targets = computeTargets(records, computeRatios(records, 1));
    const verdict = (label: string) => targets.find((target) => target.label === label);
    expect(verdict('latency: p99 ≤ 1.2× frame-once')).toMatchObject({ value: '2.00×', pass: false });
    expect(verdict("idle: all connected in < 2× plain's time")).toMatchObject({ value: '1.50×', pass: true });
  });
});
