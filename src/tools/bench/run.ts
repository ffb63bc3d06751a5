// What every scenario shares: its context, its result, the measured window (server CPU from
// /proc, the generator's own CPU), and opening clients the way each target expects.
import { performance } from 'node:perf_hooks';
import { newUserId } from '../../identity/ids.js';
import { PEOPLE_LAZY, PRESENCE_BATCH } from '../../shared/protocol/index.js';
import { signInMany } from '../kit/http.js';
import { sleep, until } from '../kit/wait.js';
import { ClientGroup, connectAll, type OpenOptions } from './generator.js';
import { cpuMicros, peakRssBytes } from './procStats.js';
import type { Sizes } from './sizes.js';
import type { RunningTarget } from './targets.js';

export interface RunContext {
  target: RunningTarget;
  sizes: Sizes;
  /** Things to undo when the run ends, however it ends (clients, timers, agents). */
  cleanups: (() => void)[];
  /** Extra input a scenario prepared once per bench run (the seeded store's newest id). */
  prepared?: { maxId: number; messages: number };
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

/** The measured window of a run: wall time, the target's CPU, the generator's CPU. */
export class Window {
  private readonly startedAt = performance.now();
  private readonly serverCpu: number;
  private readonly generatorCpu = process.cpuUsage();

  constructor(private readonly pid: number) {
    this.serverCpu = cpuMicros(pid) ?? NaN;
  }

  /** Ends the window; `endedAt` (performance.now() time) when the last event was recorded earlier. */
  stop(endedAt = performance.now()): WindowFigures {
    const used = process.cpuUsage(this.generatorCpu);
    const serverCpuUs = (cpuMicros(this.pid) ?? NaN) - this.serverCpu;
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
  return ctx.target.name === 'product';
}

/**
 * Opens `n` ready clients for the target: on the product, `n` users signed in first (not timed)
 * and connected with their cookies and `?presence=batch`; on a reference, each with its own
 * `?user=` id. `expectedUsers` is set to `n`.
 */
export async function openClients(ctx: RunContext, group: ClientGroup, n: number, prefix: string, handshakes: number): Promise<void> {
  group.expectedUsers = n;
  ctx.cleanups.push(() => group.closeAll());
  await connectAll(group, n, ctx.target.wsUrl, await clientOptions(ctx.target, n, prefix), handshakes);
}

/**
 * How client i connects: on the product with the cookies of a user signed in now, per the
 * contract, and `?presence=batch&people=lazy`, as the page does; on a reference with a `?user=` id of the product's own form,
 * so that every target's frames carry users of the same size.
 */
export async function clientOptions(target: RunningTarget, n: number, prefix: string, signInConcurrency?: number): Promise<(i: number) => OpenOptions> {
  if (target.name === 'product') {
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

/** The target's peak resident memory so far (this process's lifetime is the run). */
export function peakRss(ctx: RunContext): number {
  return peakRssBytes(ctx.target.pid) ?? NaN;
}

/** Lost (short) and duplicated (extra) chats over the clients, each expected to get `expected`. */
export function shortfall(group: ClientGroup, expected: number): { lost: number; duplicates: number } {
  let lost = 0;
  let duplicates = 0;
  for (const client of group.clients) {
    if (client.chats < expected) lost += expected - client.chats;
    else duplicates += client.chats - expected;
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
