/**
 * `npm run bench`: the project's benchmark. Runs every scenario against the product and the two
 * reference servers (each a fresh child process per scenario and round, in an order that rotates
 * from round to round), and against the product on PostgreSQL and Redis, as one process and as two
 * (a fresh database and Redis prefix per run, dropped and deleted after it; skipped, with the
 * reason printed, when either engine cannot be reached); writes every round's raw figures to
 * <out>/<timestamp>.json and prints medians, per-round ratios and the performance targets.
 *
 *   node build/tools/bench/main.js [--smoke] [--rounds N] [--only fan-out,latency,…] [--targets product,cluster-2,…]
 *                                  [--out DIR] [--postgres URL] [--redis URL]
 *
 * Exit status: 0 when every run ran and no message was lost; 1 otherwise; 2 for bad arguments.
 * Timings never change the exit status.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, USAGE } from './args.js';
import { cleanUpEngines, shown } from './engines.js';
import { planRuns } from './plan.js';
import { machineInfo, openFileLimit } from './procStats.js';
import { computeRatios, computeTargets, renderReport, type RunRecord } from './report.js';
import type { Preparation, RunContext } from './run.js';
import type { Scenario, ScenarioName } from './scenarios.js';
import { FULL, SMOKE, type Sizes } from './sizes.js';
import { startTarget, TARGET_DESCRIPTIONS, TARGETS, type RunningTarget, type StartOptions, type TargetName } from './targets.js';
import type { EngineUrls } from './engines.js';

/** Round r (from 1) runs the targets rotated right by r - 1: product, plain, frame-once; frame-once, product, plain; … */
function targetOrder(round: number): TargetName[] {
  const k = (round - 1) % TARGETS.length;
  return [...TARGETS.slice(TARGETS.length - k), ...TARGETS.slice(0, TARGETS.length - k)];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Rejects after `ms`; the run itself is left to its cleanups. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The target of the run under way, so that Ctrl-C can stop it (and drop its database). */
let running: RunningTarget | undefined;

async function runOne(
  scenario: Scenario,
  targetName: TargetName,
  round: number,
  position: number,
  sizes: Sizes,
  engines: EngineUrls,
  preparation: Preparation | undefined,
): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const cleanups: (() => void)[] = [];
  let target: RunningTarget | undefined;
  let afterRun: (() => void) | undefined;
  const base = { round, position, scenario: scenario.name, target: targetName, startedAt };
  try {
    let start: StartOptions = { engines };
    if (scenario.prepare) {
      if (!preparation) throw new Error('the store could not be seeded');
      const forRun = preparation.forRun();
      afterRun = forRun.cleanup;
      start = { ...start, ...forRun.start };
    }
    target = running = await startTarget(targetName, start);
    const ctx: RunContext = { target, sizes, cleanups, ...(preparation ? { prepared: preparation.prepared } : {}) };
    const result = await withTimeout(scenario.run(ctx), sizes.runTimeoutMs, `${scenario.name} on ${targetName}`);
    const died = target.died();
    const error = died ?? result.failure;
    return {
      ...base,
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      durationMs: performance.now() - began,
      lost: result.lost,
      generatorBound: result.generatorBound,
      notes: result.notes,
      metrics: result.metrics,
    };
  } catch (error) {
    const died = target?.died();
    return {
      ...base,
      ok: false,
      error: `${error instanceof Error ? error.message : String(error)}${died ? ` (${died})` : ''}`,
      durationMs: performance.now() - began,
      lost: 0,
      generatorBound: false,
      notes: [],
      metrics: {},
    };
  } finally {
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // Already gone.
      }
    }
    await target?.stop().catch((error: unknown) => log(`  stopping ${targetName} failed: ${String(error)}`));
    running = undefined;
    afterRun?.();
  }
}

function describeRun(record: RunRecord): string {
  const m = record.metrics;
  const pick = (key: string, unit: string, digits = 2) => (m[key] === undefined ? '' : ` ${key}=${m[key]!.toFixed(digits)}${unit}`);
  const figures =
    pick('serverCpuUsPerDelivery', 'µs') +
    pick('p99Ms', 'ms') +
    pick('connectMs', 'ms', 0) +
    pick('signinsPerSecond', '/s', 0) +
    pick('historyP99Ms', 'ms') +
    pick('storeP99Ms', 'ms') +
    pick('publishesPerMessageMany', '') +
    pick('storedPerSecond', '/s', 0);
  return `${record.ok ? 'ok' : `FAILED: ${record.error}`}${record.lost > 0 ? `, ${record.lost} LOST` : ''}${figures} (${(record.durationMs / 1000).toFixed(1)} s)`;
}

/** Seeded stores, by scenario (undefined when seeding failed): made before the scenario's first run, disposed of at the end. */
const preparations = new Map<ScenarioName, Preparation | undefined>();

async function disposeAll(): Promise<void> {
  for (const [name, preparation] of preparations) {
    // Kept in the map as undefined: disposed of once only, never seeded again.
    preparations.set(name, undefined);
    await preparation?.dispose().catch(() => undefined);
  }
  await cleanUpEngines();
}

// Ctrl-C (or SIGTERM) in the middle of a run: the servers stopped, the bench's databases dropped, its Redis keys deleted.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers, dropping the bench's databases and Redis keys…`);
    void (async () => {
      await running?.stop().catch(() => undefined);
      await disposeAll();
      process.exit(130);
    })();
  });
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const sizes = options.smoke ? SMOKE : FULL;
  const { planned, skipped } = await planRuns(options);
  if (planned.length === 0 && skipped === undefined) {
    process.stderr.write(`no scenario of --only runs on any target of --targets\n${USAGE}\n`);
    return 2;
  }
  const machine = machineInfo();
  const startedAt = new Date();
  fs.mkdirSync(options.out, { recursive: true });
  const file = path.join(options.out, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  if (skipped) log(`SKIPPING: ${skipped}`);

  const files = openFileLimit();
  if (planned.some((p) => p.scenario.name === 'idle') && files !== undefined && files < sizes.idle.connections + 1000) {
    log(`warning: open-file limit ${files} is too low for ${sizes.idle.connections} connections; raise it (ulimit -n 65536)`);
  }

  const records: RunRecord[] = [];
  /** What each seeded store held, for the raw results. */
  const seeds: Record<string, { messages: number; maxId: number; seedMs: number } | { error: string }> = {};
  const stray: string[] = [];
  const onStray = (error: unknown) => stray.push(String(error));
  process.on('unhandledRejection', onStray);

  const used = TARGETS.filter((t) => planned.some((p) => p.targets.includes(t)));
  const header = [
    `npm run bench${options.smoke ? ' --smoke' : ''}: ${options.rounds} round${options.rounds === 1 ? '' : 's'}, ${startedAt.toISOString()}`,
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}, ${machine.platform} ${machine.kernel}, load average ${machine.loadAverage.join(' ')} at the start`,
    'targets: ' + used.map((t) => `${t} (${TARGET_DESCRIPTIONS[t]})`).join('; '),
    ...(used.some((t) => t.startsWith('cluster')) ? [`engines: PostgreSQL ${shown(options.engines.postgres)}, Redis ${shown(options.engines.redis)}`] : []),
    ...(skipped ? [`SKIPPED: ${skipped}`] : []),
  ];

  const snapshot = (finished: boolean) => {
    const ratios = computeRatios(records, options.rounds);
    const targets = computeTargets(records, ratios);
    const lost = records.reduce((sum, r) => sum + r.lost, 0);
    const failed = records.filter((r) => !r.ok).length;
    const json = {
      tool: 'npm run bench',
      startedAt: startedAt.toISOString(),
      finishedAt: finished ? new Date().toISOString() : null,
      machine,
      loadAverageAtEnd: finished ? os.loadavg() : null,
      config: {
        smoke: options.smoke,
        rounds: options.rounds,
        only: options.only ?? null,
        targetsAsked: options.targets ?? null,
        engines: { postgres: shown(options.engines.postgres), redis: shown(options.engines.redis) },
        skipped: skipped ?? null,
        sizes,
        targets: TARGET_DESCRIPTIONS,
        scenarios: Object.fromEntries(planned.map((p) => [p.scenario.name, { targets: p.targets, description: p.scenario.describe(sizes) }])),
        order: Array.from({ length: options.rounds }, (_, i) => targetOrder(i + 1)),
      },
      seeds,
      runs: records,
      summary: { lost, failedRuns: failed, ratios, targets, strayErrors: stray },
    };
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    return { ratios, targets, lost, failed };
  };

  log(header[0]!);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const order = targetOrder(round);
      for (const { scenario, targets: applicable } of planned) {
        if (scenario.prepare && !preparations.has(scenario.name)) {
          log(`seeding the store for ${scenario.name}…`);
          try {
            const preparation = await scenario.prepare(sizes, options.engines, log);
            preparations.set(scenario.name, preparation);
            seeds[scenario.name] = { messages: preparation.prepared.messages, maxId: preparation.prepared.maxId, seedMs: preparation.seedMs };
            log(`  seeded ${preparation.prepared.messages.toLocaleString('en')} messages in ${(preparation.seedMs / 1000).toFixed(1)} s`);
          } catch (error) {
            preparations.set(scenario.name, undefined);
            seeds[scenario.name] = { error: String(error) };
            log(`  seeding failed: ${String(error)}`);
          }
        }
        const targets = order.filter((t) => applicable.includes(t));
        for (const [position, target] of targets.entries()) {
          const record = await runOne(scenario, target, round, position, sizes, options.engines, preparations.get(scenario.name));
          records.push(record);
          log(`[round ${round}/${options.rounds}] ${scenario.name} · ${target}: ${describeRun(record)}`);
          snapshot(false);
        }
      }
    }
  } finally {
    snapshot(false);
    await disposeAll();
    process.off('unhandledRejection', onStray);
  }

  const { ratios, targets, lost, failed } = snapshot(true);
  const report = renderReport({
    records,
    rounds: options.rounds,
    scenarios: planned.map((p) => ({ name: p.scenario.name, targets: p.targets, description: p.scenario.describe(sizes) })),
    ratios,
    targets,
    header,
  });
  const endLoad = os.loadavg().map((load) => load.toFixed(2));
  process.stdout.write(`${report}\n\nload average at the end: ${endLoad.join(' ')}\nraw results: ${file}\n`);
  if (stray.length > 0) process.stdout.write(`stray errors: ${stray.join('; ')}\n`);
  const judged = targets.filter((t) => t.pass !== null);
  const missed = judged.filter((t) => t.pass === false).map((t) => t.label);
  process.stdout.write(
    `targets met ${judged.length - missed.length} of ${judged.length}${missed.length > 0 ? `; missed: ${missed.join('; ')}` : ''}\n` +
      `messages lost ${lost}, failed runs ${failed}\n` +
      `${lost === 0 && failed === 0 ? 'PASS: nothing lost, every run completed' : 'FAIL'} (timings never change the exit status)\n`,
  );
  return lost === 0 && failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await disposeAll();
    process.exit(1);
  },
);
