// The benchmark's scenarios, in the order they run, with the targets each applies to.
import { history, signin } from './httpScenarios.js';
import { idle } from './idleScenario.js';
import { fanOut, latency, manySenders } from './messageScenarios.js';
import type { RunContext, RunResult } from './run.js';
import type { Sizes } from './sizes.js';
import { TARGETS, type TargetName } from './targets.js';

export const SCENARIOS = ['fan-out', 'latency', 'many-senders', 'idle', 'signin', 'history'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Scenario {
  name: ScenarioName;
  targets: readonly TargetName[];
  /** One line saying what it does at these sizes. */
  describe(sizes: Sizes): string;
  run(ctx: RunContext): Promise<RunResult>;
}

const n = (value: number) => value.toLocaleString('en');

export const SCENARIO_LIST: Scenario[] = [
  {
    name: 'fan-out',
    targets: TARGETS,
    describe: ({ fanOut: s }) =>
      `${n(s.clients)} clients in the lobby, 1 of them sends ${n(s.messages)} chats as fast as ${s.window} unanswered at a time allow`,
    run: fanOut,
  },
  {
    name: 'latency',
    targets: TARGETS,
    describe: ({ latency: s }) => `${n(s.clients)} clients, 1 sender at ${s.rate} chats/s for ${s.seconds} s; time from send to receipt at every client`,
    run: latency,
  },
  {
    name: 'many-senders',
    targets: TARGETS,
    describe: ({ manySenders: s }) =>
      `${n(s.clients)} clients, ${s.senders} of them sending, ${s.rate} chats/s in all for ${s.seconds} s`,
    run: manySenders,
  },
  {
    name: 'idle',
    targets: TARGETS,
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
  },
];
