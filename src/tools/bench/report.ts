// Turns the raw runs into what a person reads: per scenario a table of medians over the rounds,
// the main figure of every round, per-round ratios against the references, and the targets of
// issue 4 (and of issue 13, the cluster's: clusterReport.ts) as pass/miss lines (which never
// decide the exit status).
import { CLUSTER_COLUMNS, CLUSTER_PER_ROUND, CLUSTER_RATIOS, clusterTargets, ENGINE_COLUMN } from './clusterReport.js';
import {
  count,
  finiteOrNull,
  kib,
  medianOf,
  metricOf,
  micros,
  millis,
  mib,
  ratio,
  seconds,
  share,
  type Column,
  type Format,
  type RatioResult,
  type RatioSpec,
  type RunRecord,
  type TargetResult,
} from './figures.js';
import type { ScenarioName } from './scenarios.js';
import { median } from './stats.js';
import { isCluster, type TargetName } from './targets.js';

export type { RunRecord };

const COLUMNS: Record<ScenarioName, Column[]> = {
  'fan-out': [
    { key: 'deliveriesPerSecond', label: 'deliveries/s', format: count },
    { key: 'serverCpuUsPerDelivery', label: 'server CPU/delivery', format: micros },
    { key: 'peakRssBytes', label: 'peak RSS', format: mib },
  ],
  changes: [
    { key: 'deliveriesPerSecond', label: 'deliveries/s', format: count },
    { key: 'serverCpuUsPerDelivery', label: 'server CPU/delivery', format: micros },
    { key: 'peakRssBytes', label: 'peak RSS', format: mib },
  ],
  latency: [
    { key: 'p50Ms', label: 'p50', format: millis },
    { key: 'p99Ms', label: 'p99', format: millis },
    { key: 'maxMs', label: 'max', format: millis },
    { key: 'serverCpuUsPerDelivery', label: 'server CPU/delivery', format: micros },
  ],
  'many-senders': [
    { key: 'deliveriesPerSecond', label: 'deliveries/s', format: count },
    { key: 'serverCpuUsPerDelivery', label: 'server CPU/delivery', format: micros },
    { key: 'p50Ms', label: 'p50', format: millis },
    { key: 'p99Ms', label: 'p99', format: millis },
  ],
  idle: [
    { key: 'connectMs', label: 'all connected', format: seconds },
    { key: 'presenceSettledMs', label: 'presence settled', format: seconds },
    { key: 'rssPerConnectionBytes', label: 'RSS/connection', format: kib },
    { key: 'serverCpuUsPerConnection', label: 'server CPU/connection', format: micros },
    { key: 'peakRssBytes', label: 'peak RSS', format: mib },
  ],
  signin: [
    { key: 'signinsPerSecond', label: 'sign-ins/s', format: count },
    { key: 'p50Ms', label: 'p50', format: millis },
    { key: 'p99Ms', label: 'p99', format: millis },
    { key: 'serverCpuUsPerSignin', label: 'server CPU/sign-in', format: micros },
    { key: 'failures', label: 'failed', format: count },
  ],
  history: [
    { key: 'pageP50Ms', label: 'GET / p50', format: millis },
    { key: 'pageP99Ms', label: 'GET / p99', format: millis },
    { key: 'historyP50Ms', label: 'history page p50', format: millis },
    { key: 'historyP99Ms', label: 'history page p99', format: millis },
  ],
  replay: [
    { key: 'quietP50Ms', label: 'echo p50 quiet', format: millis },
    { key: 'quietP99Ms', label: 'echo p99 quiet', format: millis },
    { key: 'replayEchoP50Ms', label: 'echo p50 in replay', format: millis },
    { key: 'replayEchoP99Ms', label: 'echo p99 in replay', format: millis },
    { key: 'replayEchoMaxMs', label: 'echo max in replay', format: millis },
    { key: 'echoP99OverQuiet', label: 'p99 in replay ÷ quiet', format: ratio },
    { key: 'replayEchoes', label: 'echoes in replay', format: count },
    { key: 'replayMs', label: 'replay', format: seconds },
    { key: 'replayedPerSecond', label: 'replayed/s', format: count },
    { key: 'serverCpuUsPerReplayed', label: 'server CPU/replayed', format: micros },
  ],
  ...CLUSTER_COLUMNS,
};

/** The figures shown for every round, to see the spread: those the targets judge. */
const PER_ROUND: Record<ScenarioName, Column[]> = {
  'fan-out': [COLUMNS['fan-out'][1]!],
  changes: [COLUMNS.changes[1]!],
  latency: [COLUMNS.latency[1]!],
  'many-senders': [COLUMNS['many-senders'][1]!],
  idle: [COLUMNS.idle[0]!],
  signin: [COLUMNS.signin[0]!],
  history: [COLUMNS.history[1]!, COLUMNS.history[3]!],
  replay: [COLUMNS.replay[3]!],
  ...CLUSTER_PER_ROUND,
};

/** The ratios the targets below judge (issue 4's, and issue 16's two processes), by name: an index into the list would shift as it grows. */
const FAN_OUT_VS_FRAME_ONCE: RatioSpec = { scenario: 'fan-out', label: 'server CPU/delivery, product ÷ frame-once', metric: 'serverCpuUsPerDelivery', over: 'product', under: 'frame-once' };
const PLAIN_VS_FAN_OUT: RatioSpec = { scenario: 'fan-out', label: 'server CPU/delivery, plain ÷ product', metric: 'serverCpuUsPerDelivery', over: 'plain', under: 'product' };
const CHANGES_TWO_VS_ONE: RatioSpec = { scenario: 'changes', label: 'server CPU/delivery with changes, cluster-2 ÷ product', metric: 'serverCpuUsPerDelivery', over: 'cluster-2', under: 'product' };
const LATENCY_VS_FRAME_ONCE: RatioSpec = { scenario: 'latency', label: 'p99, product ÷ frame-once', metric: 'p99Ms', over: 'product', under: 'frame-once' };
const CONNECT_VS_PLAIN: RatioSpec = { scenario: 'idle', label: 'time to connect all, product ÷ plain', metric: 'connectMs', over: 'product', under: 'plain' };

const RATIOS: readonly RatioSpec[] = [
  FAN_OUT_VS_FRAME_ONCE,
  PLAIN_VS_FAN_OUT,
  CHANGES_TWO_VS_ONE,
  LATENCY_VS_FRAME_ONCE,
  { scenario: 'latency', label: 'p99, product ÷ plain', metric: 'p99Ms', over: 'product', under: 'plain' },
  { scenario: 'many-senders', label: 'server CPU/delivery, product ÷ frame-once', metric: 'serverCpuUsPerDelivery', over: 'product', under: 'frame-once' },
  { scenario: 'many-senders', label: 'server CPU/delivery, plain ÷ product', metric: 'serverCpuUsPerDelivery', over: 'plain', under: 'product' },
  CONNECT_VS_PLAIN,
  { scenario: 'idle', label: 'presence settled, product ÷ plain', metric: 'presenceSettledMs', over: 'product', under: 'plain' },
  { scenario: 'idle', label: 'RSS/connection, product ÷ plain', metric: 'rssPerConnectionBytes', over: 'product', under: 'plain' },
  ...CLUSTER_RATIOS,
];

export function computeRatios(records: RunRecord[], rounds: number): RatioResult[] {
  // Those whose two targets both ran in the scenario (cluster-1 runs in fan-out only when asked).
  const ran = (scenario: ScenarioName, target: TargetName) => records.some((r) => r.scenario === scenario && r.target === target);
  return RATIOS.filter((spec) => ran(spec.scenario, spec.over) && ran(spec.scenario, spec.under)).map((spec) => {
    const perRound: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      perRound.push(metricOf(records, round, spec.scenario, spec.over, spec.metric) / metricOf(records, round, spec.scenario, spec.under, spec.metric));
    }
    return { scenario: spec.scenario, label: spec.label, perRound: perRound.map(finiteOrNull), median: finiteOrNull(median(perRound)) };
  });
}

export function computeTargets(records: RunRecord[], ratios: RatioResult[]): TargetResult[] {
  const ratioOf = (spec: RatioSpec) => ratios.find((r) => r.scenario === spec.scenario && r.label === spec.label)?.median ?? NaN;
  const judged = (label: string, value: number, format: Format, pass: (v: number) => boolean): TargetResult => ({
    label,
    value: format(value),
    pass: Number.isFinite(value) ? pass(value) : null,
  });
  const totalLost = records.reduce((sum, r) => sum + r.lost, 0);
  return [
    judged('fan-out: server CPU per delivery ≤ 1.5× frame-once', ratioOf(FAN_OUT_VS_FRAME_ONCE), ratio, (v) => v <= 1.5),
    judged('fan-out: server CPU per delivery ≥ 4× better than plain', ratioOf(PLAIN_VS_FAN_OUT), ratio, (v) => v >= 4),
    // The fan-out's targets, with reactions and edits in the traffic: against frame-once's chats-only fan-out.
    judged(
      'changes: server CPU per delivery with 10% of frames reactions and edits ≤ 1.5× frame-once\'s fan-out',
      medianOf(records, 'changes', 'product', 'serverCpuUsPerDelivery') / medianOf(records, 'fan-out', 'frame-once', 'serverCpuUsPerDelivery'),
      ratio,
      (v) => v <= 1.5,
    ),
    judged('changes: server CPU per delivery, two processes ≤ 1.3× one', ratioOf(CHANGES_TWO_VS_ONE), ratio, (v) => v <= 1.3),
    judged('latency: p99 ≤ 1.2× frame-once', ratioOf(LATENCY_VS_FRAME_ONCE), ratio, (v) => v <= 1.2),
    judged('idle: memory ≤ 12 KiB per connection', medianOf(records, 'idle', 'product', 'rssPerConnectionBytes'), kib, (v) => v <= 12 * 1024),
    judged('idle: all connected in < 2× plain\'s time', ratioOf(CONNECT_VS_PLAIN), ratio, (v) => v < 2),
    judged('sign-in: ≥ 3000/s', medianOf(records, 'signin', 'product', 'signinsPerSecond'), count, (v) => v >= 3000),
    judged('history: WebSocket history page p99 < 5 ms', medianOf(records, 'history', 'product', 'historyP99Ms'), millis, (v) => v < 5),
    judged('history: GET / p99 < 5 ms', medianOf(records, 'history', 'product', 'pageP99Ms'), millis, (v) => v < 5),
    ...clusterTargets(records, ratioOf),
    { label: 'zero messages lost, every scenario', value: count(totalLost), pass: records.length > 0 ? totalLost === 0 : null },
  ];
}

/** Pads cells into ` | `-separated columns, with a rule under the header. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export interface ReportInput {
  records: RunRecord[];
  rounds: number;
  scenarios: { name: ScenarioName; targets: readonly TargetName[]; description: string }[];
  ratios: RatioResult[];
  targets: TargetResult[];
  header: string[];
}

export function renderReport(input: ReportInput): string {
  const { records, rounds } = input;
  const out: string[] = [...input.header, ''];
  for (const scenario of input.scenarios) {
    const engines = scenario.targets.some(isCluster) && (scenario.name === 'fan-out' || scenario.name === 'changes' || scenario.name === 'latency');
    const columns = [...COLUMNS[scenario.name], ...(engines ? [ENGINE_COLUMN] : [])];
    const perRound = PER_ROUND[scenario.name];
    out.push(`${scenario.name}: ${scenario.description}`);
    const rows = scenario.targets.map((target) => {
      const mine = records.filter((r) => r.scenario === scenario.name && r.target === target);
      const ok = mine.filter((r) => r.ok);
      const bound = ok.filter((r) => r.generatorBound).length;
      const generator = medianOf(records, scenario.name, target, 'generatorCpuShare');
      const inOrder = mine.slice().sort((a, b) => a.round - b.round);
      const rounds = perRound.map(
        (column) => inOrder.map((r) => (r.ok ? column.format(r.metrics[column.key] ?? NaN) : 'FAILED')).join(' / ') || '–',
      );
      return [
        target,
        ...columns.map((column) => column.format(medianOf(records, scenario.name, target, column.key))),
        `${share(generator)}${bound > 0 ? ` generator-bound ${bound}/${ok.length}` : ''}`,
        String(mine.reduce((sum, r) => sum + r.lost, 0)),
        ...rounds,
      ];
    });
    const byRound = perRound.map((column) => `${column.label} by round`);
    out.push(table(['target', ...columns.map((c) => c.label), 'generator CPU', 'lost', ...byRound], rows));
    for (const r of input.ratios.filter((r) => r.scenario === scenario.name)) {
      out.push(`  ${r.label}: ${r.perRound.map((v) => (v === null ? '–' : ratio(v))).join(' / ')} (median ${r.median === null ? '–' : ratio(r.median)})`);
    }
    out.push('');
  }
  out.push(`medians over ${rounds} round${rounds === 1 ? '' : 's'}; "by round" lists round 1, 2, …; ratios are taken within each round`);
  out.push('');
  out.push('targets (information only: timings never change the exit status)');
  for (const target of input.targets) {
    const mark = target.pass === null ? 'n/a ' : target.pass ? 'PASS' : 'MISS';
    out.push(`  ${mark}  ${target.label}: ${target.value}`);
  }
  const problems = records.filter((r) => !r.ok || r.lost > 0 || r.notes.length > 0);
  if (problems.length > 0) {
    out.push('');
    out.push('problems and notes');
    for (const r of problems) {
      const what = [!r.ok ? `FAILED: ${r.error}` : '', r.lost > 0 ? `${r.lost} lost` : '', ...r.notes].filter(Boolean).join('; ');
      out.push(`  round ${r.round} ${r.scenario} ${r.target}: ${what}`);
    }
  }
  return out.join('\n');
}
