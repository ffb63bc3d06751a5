// What every scenario shares: its context, its result, the measured window (server CPU from
// /proc, the generator's own CPU), and opening clients the way each target expects.
import { performance } from 'node:perf_hooks';
import { newUserId } from '../../identity/ids.js';
import { PEOPLE_LAZY, PRESENCE_BATCH } from '../../shared/protocol/index.js';
import { signInMany } from '../kit/http.js';
import { sleep, until } from '../kit/wait.js';
import { ClientGroup, connectAll, type OpenOptions } from './generator.js';
import { EngineMeter } from './engines.js';
import { cpuMicros, peakRssBytes } from './procStats.js';
import type { Sizes } from './sizes.js';
import { isProduct, type RunningTarget, type StartOptions } from './targets.js';

export interface RunContext {
  target: RunningTarget;
  sizes: Sizes;
  /** Things to undo when the run ends, however it ends (clients, timers, agents). */
  cleanups: (() => void)[];
  /** Extra input a scenario prepared once per bench run (the seeded store's newest id). */
  prepared?: Prepared;
}

/** What a scenario prepared once per bench run: a seeded store, its size and newest id. */
export interface Prepared {
  maxId: number;
  messages: number;
  /** The seeded PostgreSQL database (pg-history). */
  databaseUrl?: string;
}

/** A store seeded once per bench run for a scenario's every run, and what undoes it. */
export interface Preparation {
  prepared: Prepared;
  seedMs: number;
  /** How one run's target starts on it (a copy of its own, or the seeded database itself), and what to undo after the run. */
  forRun(): { start: StartOptions; cleanup(): void };
  dispose(): Promise<void>;
}

export interface RunResult {
  /** Messages some client should have received and did not. */
  lost: number;
  /** Named figures of this run; what each means is in the report's column list. */
  metrics: Record<string, number>;
  /** The generator used ≥ 90 % of a core in the measured window: the figure may be its limit, not the server's. */
  generatorBound: boolean;
  notes: string[];
  /** Set when the scenario ran but something did not work (failed requests, missing presence): the run fails. */
  failure?: string;
}

/** Generator CPU share at or above which a figure is labelled generator-bound. */
export const GENERATOR_BOUND = 0.9;

export interface WindowFigures {
  wallMs: number;
  serverCpuUs: number;
  generatorCpuUs: number;
  /** Generator CPU over wall time: 1 is one core busy all the time. */
  generatorShare: number;
}

/** User + system CPU time used so far by every process of the target, in µs (NaN when /proc cannot tell). */
export function targetCpuMicros(target: Pick<RunningTarget, 'processes'>): number {
  return target.processes.reduce((sum, process) => sum + (cpuMicros(process.pid) ?? NaN), 0);
}

/** The measured window of a run: wall time, the target's CPU (all its processes), the generator's CPU. */
export class Window {
  private readonly startedAt = performance.now();
  private readonly serverCpu: number;
  private readonly generatorCpu = process.cpuUsage();

  constructor(private readonly target: Pick<RunningTarget, 'processes'>) {
    this.serverCpu = targetCpuMicros(target);
  }

  /** Ends the window; `endedAt` (performance.now() time) when the last event was recorded earlier. */
  stop(endedAt = performance.now()): WindowFigures {
    const used = process.cpuUsage(this.generatorCpu);
    const serverCpuUs = targetCpuMicros(this.target) - this.serverCpu;
    const wallMs = Math.max(endedAt - this.startedAt, 0.001);
    const generatorCpuUs = used.user + used.system;
    return { wallMs, serverCpuUs, generatorCpuUs, generatorShare: generatorCpuUs / 1000 / wallMs };
  }

  get start(): number {
    return this.startedAt;
  }
}

/** Whether the target sends presence (the product); the references greet with an empty list only. */
export function hasPresence(ctx: RunContext): boolean {
  return isProduct(ctx.target.name);
}

/**
 * A cluster target's PostgreSQL backends and Redis, measured over the same window as its
 * processes (begun just before it, ended just after); undefined for the other targets.
 */
export function meterEngines(ctx: RunContext): Promise<EngineMeter | undefined> {
  const engines = ctx.target.engines;
  return engines ? EngineMeter.begin(engines.adminUrl, engines.databaseName, engines.redisUrl) : Promise.resolve(undefined);
}

/** The engines' CPU per unit of work (a delivery, a message), as metrics; none for targets without engines. */
export async function engineMetrics(meter: EngineMeter | undefined, per: number, unit: string): Promise<Record<string, number>> {
  if (!meter) return {};
  const { postgresCpuUs, redisCpuUs } = await meter.end();
  return {
    [`postgresCpuUsPer${unit}`]: postgresCpuUs / per,
    [`redisCpuUsPer${unit}`]: redisCpuUs / per,
    [`enginesCpuUsPer${unit}`]: (postgresCpuUs + redisCpuUs) / per,
  };
}

/** The process client `i` connects to: the target's processes in turn, so that clients are spread evenly. */
export const wsUrlOf =
  (target: RunningTarget) =>
  (i: number): string =>
    target.processes[i % target.processes.length]!.wsUrl;

/**
 * Opens `n` ready clients for the target: on the product, `n` users signed in first (not timed)
 * and connected with their cookies and `?presence=batch`; on a reference, each with its own
 * `?user=` id. A cluster's clients go to its processes in turn. `expectedUsers` is set to `n`.
 */
export async function openClients(ctx: RunContext, group: ClientGroup, n: number, prefix: string, handshakes: number): Promise<void> {
  group.expectedUsers = n;
  ctx.cleanups.push(() => group.closeAll());
  await connectAll(group, n, wsUrlOf(ctx.target), await clientOptions(ctx.target, n, prefix), handshakes);
}

/**
 * How client i connects: on the product with the cookies of a user signed in now, per the
 * contract (on a cluster's first process: every process takes its cookie), and
 * `?presence=batch&people=lazy`, as the page does; on a reference with a `?user=` id of the product's own form,
 * so that every target's frames carry users of the same size.
 */
export async function clientOptions(target: RunningTarget, n: number, prefix: string, signInConcurrency?: number): Promise<(i: number) => OpenOptions> {
  if (isProduct(target.name)) {
    const accounts = await signInMany(target.url, n, prefix, { concurrency: signInConcurrency });
    return (i) => ({ cookie: accounts[i]!.cookie, query: { presence: PRESENCE_BATCH, people: PEOPLE_LAZY } });
  }
  return (i) => ({ query: { user: newUserId(), name: `${prefix} ${i}` } });
}

/** On the product, waits until every client has seen every user (presence done), then a short pause. */
export async function settle(ctx: RunContext, group: ClientGroup, pauseMs = 200): Promise<void> {
  if (hasPresence(ctx) && !(await until(() => group.presenceSettled(), 120_000, 20))) {
    throw new Error(`presence did not settle: ${group.clients.filter((c) => c.seen !== group.expectedUsers).length} clients short`);
  }
  await sleep(pauseMs);
}

/** The target's peak resident memory so far, summed over its processes (each lives for the run). */
export function peakRss(ctx: RunContext): number {
  return ctx.target.processes.reduce((sum, process) => sum + (peakRssBytes(process.pid) ?? NaN), 0);
}

/** Lost (short) and duplicated (extra) chats and changes over the clients, each expected to get `expected`. */
export function shortfall(group: ClientGroup, expected: number): { lost: number; duplicates: number } {
  let lost = 0;
  let duplicates = 0;
  for (const client of group.clients) {
    const got = client.chats + client.changes;
    if (got < expected) lost += expected - got;
    else duplicates += got - expected;
  }
  return { lost, duplicates };
}

/**
 * Resolves when `done()` holds, or when nothing new arrived (the group's frame count stood still)
 * for `stallMs`; true when done.
 */
export async function untilDoneOrStalled(group: ClientGroup, done: () => boolean, stallMs: number): Promise<boolean> {
  let frames = group.frames;
  let lastProgress = performance.now();
  for (;;) {
    if (done()) return true;
    await sleep(10);
    const now = performance.now();
    const seen = group.frames;
    if (seen !== frames) {
      frames = seen;
      lastProgress = now;
    } else if (now - lastProgress > stallMs) {
      return done();
    }
  }
}
