// The benchmark's scenarios, in the order they run, with the targets each applies to and what a
// scenario seeds once per bench run.
import type { EngineUrls } from './engines.js';
import { history, signin } from './httpScenarios.js';
import { idle } from './idleScenario.js';
import { changes } from './changesScenario.js';
import { fanOut, latency, manySenders } from './messageScenarios.js';
import { pgHistory, preparePgHistory } from './pgHistory.js';
import { pgWrites } from './pgWritesScenario.js';
import { publishes } from './publishesScenario.js';
import { replay } from './replayScenario.js';
import type { Preparation, RunContext, RunResult } from './run.js';
import { prepareHistory } from './seed.js';
import type { Sizes } from './sizes.js';
import { SINGLE_TARGETS, type TargetName } from './targets.js';

export const SCENARIOS = ['fan-out', 'changes', 'latency', 'many-senders', 'idle', 'signin', 'history', 'replay', 'publishes', 'pg-writes', 'pg-history'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Scenario {
  name: ScenarioName;
  targets: readonly TargetName[];
  /** Targets it runs on only when `--targets` names them (a cluster of one beside fan-out's, to see what two processes add). */
  alsoOn?: readonly TargetName[];
  /** One line saying what it does at these sizes. */
  describe(sizes: Sizes): string;
  run(ctx: RunContext): Promise<RunResult>;
  /** A store seeded once per bench run, before the scenario's first run; undone at the end. */
  prepare?(sizes: Sizes, engines: EngineUrls, log: (line: string) => void): Promise<Preparation>;
}

const n = (value: number) => value.toLocaleString('en');

/** Fan-out and latency: the single process, the references, and the cluster of two beside them. */
const WITH_CLUSTER = [...SINGLE_TARGETS, 'cluster-2'] as const;

export const SCENARIO_LIST: Scenario[] = [
  {
    name: 'fan-out',
    targets: WITH_CLUSTER,
    alsoOn: ['cluster-1'],
    describe: ({ fanOut: s }) =>
      `${n(s.clients)} clients in the lobby, 1 of them sends ${n(s.messages)} chats as fast as ${s.window} unanswered at a time allow (after ${n(s.warmUp)} untimed)`,
    run: fanOut,
  },
  {
    name: 'changes',
    targets: ['product', 'cluster-2'],
    describe: ({ fanOut: s }) =>
      `as fan-out, but 1 frame in 10 a change, a reaction toggled and an edit of the sender's latest message in turn: ${n(s.messages)} frames (after ${n(s.warmUp)} untimed)`,
    run: changes,
  },
  {
    name: 'latency',
    targets: WITH_CLUSTER,
    alsoOn: ['cluster-1'],
    describe: ({ latency: s }) => `${n(s.clients)} clients, 1 sender at ${s.rate} chats/s for ${s.seconds} s; time from send to receipt at every client`,
    run: latency,
  },
  {
    name: 'many-senders',
    targets: SINGLE_TARGETS,
    describe: ({ manySenders: s }) =>
      `${n(s.clients)} clients, ${s.senders} of them sending, ${s.rate} chats/s in all for ${s.seconds} s`,
    run: manySenders,
  },
  {
    name: 'idle',
    targets: SINGLE_TARGETS,
    describe: ({ idle: s }) =>
      `${n(s.connections)} connections of distinct users, ${s.handshakes} handshakes at a time; memory per connection, time until all connected`,
    run: idle,
  },
  {
    name: 'signin',
    targets: ['product'],
    describe: ({ signin: s }) => `POST /signin (JSON) over ${s.concurrency} keep-alive connections for ${s.seconds} s`,
    run: signin,
  },
  {
    name: 'history',
    targets: ['product'],
    describe: ({ history: s }) =>
      `${n(s.messages)} stored messages; ${s.requests} × GET / signed in, then ${s.requests} WebSocket history pages of ${s.pageSize} before a random id`,
    run: history,
    prepare: (sizes, _engines, log) => prepareHistory(sizes.history.messages, log),
  },
  {
    name: 'replay',
    targets: ['product'],
    describe: ({ replay: s }) =>
      `${n(s.messages)} stored messages; 1 bystander chats one at a time (${s.intervalMs} ms after each echo): ${n(s.quietEchoes)} echoes quiet, then while a reader resumes ${n(s.backlog)} behind`,
    run: replay,
    // A store of its own, not history's million: a resume replays only the end of it.
    prepare: (sizes, _engines, log) => prepareHistory(sizes.replay.messages, log),
  },
  {
    name: 'publishes',
    targets: ['cluster-2'],
    describe: ({ publishes: s }) =>
      `${n(s.messages)} chats with ${n(s.few)} clients in the lobby, then ${n(s.messages)} with ${n(s.many)}; Redis PUBLISHes per stored message`,
    run: publishes,
  },
  {
    name: 'pg-writes',
    targets: ['cluster-1', 'cluster-2'],
    describe: ({ pgWrites: s }) =>
      `${n(s.senders)} senders, each alone in a room, ${s.window} chats unanswered each, for ${s.seconds} s after ${s.warmUpSeconds} s; messages committed per second`,
    run: pgWrites,
  },
  {
    name: 'pg-history',
    targets: ['cluster-1'],
    describe: ({ history: s }) =>
      `PostgreSQL seeded with ${n(s.messages)} messages; ${s.requests} × GET /, ${s.requests} WebSocket history pages, then ${s.requests} store roomHistory pages of ${s.pageSize}`,
    run: pgHistory,
    prepare: (sizes, engines, log) => preparePgHistory(engines, sizes.history.messages, log),
  },
];
