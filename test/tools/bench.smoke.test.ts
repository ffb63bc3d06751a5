// `npm run bench` as a developer runs it, built: `--smoke` runs every scenario on every
// single-process target it applies to, writes its JSON result and loses nothing; unknown arguments
// are refused. Never a timing. The cluster targets (PostgreSQL and Redis) have their own file,
// bench.cluster.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectBuilt, runTool } from '../helpers/tool.js';

const ALL = ['product', 'plain', 'frame-once'];
/** The single-process targets: the scenarios that need nothing but Node. */
const SINGLE = ['--targets', ALL.join(',')];
/** Every scenario and the targets it applies to. */
const EXPECTED: Record<string, string[]> = {
  'fan-out': ALL,
  changes: ['product'],
  latency: ALL,
  'many-senders': ALL,
  idle: ALL,
  signin: ['product'],
  history: ['product'],
  replay: ['product'],
};

interface Run {
  round: number;
  scenario: string;
  target: string;
  ok: boolean;
  error?: string;
  lost: number;
  metrics: Record<string, number>;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-bench-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('npm run bench', () => {
  // A program, not a test of speed: nothing here looks at a timing.
  it('--smoke runs every scenario on every single-process target it applies to and loses nothing', { timeout: 90_000 }, async () => {
    expectBuilt('bench');
    const { code, stdout, stderr } = await runTool('bench', ['--smoke', ...SINGLE, '--out', out]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    const files = fs.readdirSync(out).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(fs.readFileSync(path.join(out, files[0]!), 'utf8')) as {
      machine: { cpuModel: string; cores: number; node: string; date: string };
      config: { smoke: boolean; rounds: number };
      runs: Run[];
      summary: { lost: number; failedRuns: number };
    };
    expect(result.config).toMatchObject({ smoke: true, rounds: 1 });
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);

    const seen = result.runs.map((r) => `${r.scenario}/${r.target}`).sort();
    const wanted = Object.entries(EXPECTED)
      .flatMap(([scenario, targets]) => targets.map((target) => `${scenario}/${target}`))
      .sort();
    expect(seen).toEqual(wanted);
    for (const r of result.runs) {
      const what = `${r.scenario}/${r.target}: ${r.error ?? ''}`;
      expect(r.ok, what).toBe(true);
      expect(r.lost, what).toBe(0);
    }
    // The message scenarios delivered something, and every delivery is accounted for.
    for (const r of result.runs.filter((r) => ['fan-out', 'latency', 'many-senders'].includes(r.scenario))) {
      expect(r.metrics.deliveries, `${r.scenario}/${r.target}`).toBe(r.metrics.messages! * r.metrics.clients!);
    }
    // Reactions and edits reach every client as a chat does, one frame each.
    const changes = result.runs.find((r) => r.scenario === 'changes')!;
    expect(changes.metrics.deliveries).toBe(changes.metrics.frames! * changes.metrics.clients!);
    expect(changes.metrics.changeFrames).toBeGreaterThan(0);
    // The whole backlog was replayed before the reader's list.
    const replay = result.runs.find((r) => r.scenario === 'replay')!;
    expect(replay.metrics.replayed).toBe(replay.metrics.backlog);
    expect(result.summary).toMatchObject({ lost: 0, failedRuns: 0 });
    expect(stdout).toMatch(/\ntargets met \d+ of \d+[^\n]*\nmessages lost 0, failed runs 0\nPASS: nothing lost, every run completed \(timings never change the exit status\)\n$/);
  });

  it('refuses unknown arguments and scenarios', async () => {
    for (const args of [['--bogus'], ['--only', 'nothing'], ['--targets', 'nothing'], ['--rounds', '0'], ['--only', 'pg-writes', '--targets', 'product']]) {
      const { code, stderr } = await runTool('bench', [...args, '--out', out]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/usage/);
    }
  });
});
