// The cluster's part of the report: the columns of its own scenarios, its ratios against the
// single process, and the targets of issue 13 (scale-out) as pass/miss lines.
import {
  count,
  medianOf,
  micros,
  millis,
  ratio,
  type Column,
  type Format,
  type RatioSpec,
  type RunRecord,
  type TargetResult,
} from './figures.js';

const times: Format = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');

/** What the cluster targets add to fan-out and latency: their engines' CPU (information). */
export const ENGINE_COLUMN: Column = { key: 'enginesCpuUsPerDelivery', label: 'engines CPU/delivery', format: micros };

export const CLUSTER_COLUMNS: Record<'publishes' | 'pg-writes' | 'pg-history', Column[]> = {
  publishes: [
    { key: 'publishesPerMessageFew', label: 'publishes/message, few', format: times },
    { key: 'publishesPerMessageMany', label: 'publishes/message, many', format: times },
    { key: 'messagePublishesPerMessageFew', label: 'carrying it, few', format: times },
    { key: 'messagePublishesPerMessageMany', label: 'carrying it, many', format: times },
    { key: 'carriedPerMessageMany', label: 'times carried, many', format: times },
    { key: 'publishCallsPerMessageMany', label: 'cmdstat_publish/message, many', format: times },
  ],
  'pg-writes': [
    { key: 'storedPerSecond', label: 'stored/s', format: count },
    { key: 'serverCpuUsPerMessage', label: 'server CPU/message', format: micros },
    { key: 'enginesCpuUsPerMessage', label: 'engines CPU/message', format: micros },
    { key: 'p50Ms', label: 'echo p50', format: millis },
    { key: 'p99Ms', label: 'echo p99', format: millis },
  ],
  'pg-history': [
    { key: 'pageP50Ms', label: 'GET / p50', format: millis },
    { key: 'pageP99Ms', label: 'GET / p99', format: millis },
    { key: 'historyP50Ms', label: 'history page p50', format: millis },
    { key: 'historyP99Ms', label: 'history page p99', format: millis },
    { key: 'storeP50Ms', label: 'roomHistory p50', format: millis },
    { key: 'storeP99Ms', label: 'roomHistory p99', format: millis },
  ],
};

export const CLUSTER_PER_ROUND: Record<'publishes' | 'pg-writes' | 'pg-history', Column[]> = {
  publishes: [CLUSTER_COLUMNS.publishes[1]!],
  'pg-writes': [CLUSTER_COLUMNS['pg-writes'][0]!],
  'pg-history': [CLUSTER_COLUMNS['pg-history'][3]!, CLUSTER_COLUMNS['pg-history'][5]!],
};

/** The two ratios the targets judge: two processes on PostgreSQL and Redis against the single process. */
const FAN_OUT: RatioSpec = { scenario: 'fan-out', label: 'server CPU/delivery, cluster-2 ÷ product', metric: 'serverCpuUsPerDelivery', over: 'cluster-2', under: 'product' };
const LATENCY: RatioSpec = { scenario: 'latency', label: 'p99, cluster-2 ÷ product', metric: 'p99Ms', over: 'cluster-2', under: 'product' };

/** Those two, and beside them (when --targets adds cluster-1) what the engines cost and what the second process adds. */
export const CLUSTER_RATIOS: RatioSpec[] = [
  FAN_OUT,
  { scenario: 'fan-out', label: 'server CPU/delivery, cluster-1 ÷ product', metric: 'serverCpuUsPerDelivery', over: 'cluster-1', under: 'product' },
  { scenario: 'fan-out', label: 'server CPU/delivery, cluster-2 ÷ cluster-1', metric: 'serverCpuUsPerDelivery', over: 'cluster-2', under: 'cluster-1' },
  LATENCY,
  { scenario: 'latency', label: 'p99, cluster-1 ÷ product', metric: 'p99Ms', over: 'cluster-1', under: 'product' },
  { scenario: 'latency', label: 'p99, cluster-2 ÷ cluster-1', metric: 'p99Ms', over: 'cluster-2', under: 'cluster-1' },
];

/**
 * The figures of every round of the publishes scenario, worst first: every stored message carried
 * exactly once, at most one publish per message at both sizes (a turn's messages share one).
 */
function worstPublishes(records: RunRecord[]): { carried: number; all: number; few: number; many: number } {
  const runs = records.filter((r) => r.scenario === 'publishes' && r.ok);
  if (runs.length === 0) return { carried: NaN, all: NaN, few: NaN, many: NaN };
  const of = (key: string) => runs.map((r) => r.metrics[key] ?? NaN);
  const carried = [...of('carriedPerMessageFew'), ...of('carriedPerMessageMany')];
  const all = [...of('publishesPerMessageFew'), ...of('publishesPerMessageMany')];
  return {
    // How far from exactly once the messages were carried, in the worst round.
    carried: Math.max(...carried.map((v) => Math.abs(v - 1))),
    all: Math.max(...all),
    few: medianOf(records, 'publishes', 'cluster-2', 'publishesPerMessageFew'),
    many: medianOf(records, 'publishes', 'cluster-2', 'publishesPerMessageMany'),
  };
}

/** Publishes of anything else (presence's `alive` every few seconds) allowed beside the one per message. */
const OTHER_PUBLISHES = 0.1;
const STORED_PER_SECOND = 5000;

export function clusterTargets(records: RunRecord[], ratioOf: (spec: RatioSpec) => number): TargetResult[] {
  const judged = (label: string, value: number, format: Format, pass: (v: number) => boolean): TargetResult => ({
    label,
    value: format(value),
    pass: Number.isFinite(value) ? pass(value) : null,
  });
  const publishes = worstPublishes(records);
  return [
    judged('fan-out: server CPU per delivery, two processes (PostgreSQL + Redis) ≤ 1.3× one', ratioOf(FAN_OUT), ratio, (v) => v <= 1.3),
    judged('latency: p99, clients over two processes ≤ 1.5× one', ratioOf(LATENCY), ratio, (v) => v <= 1.5),
    {
      label: 'publishes: at most one Redis PUBLISH per stored message, each carried once, few or many recipients',
      value: Number.isFinite(publishes.few) ? `${times(publishes.few)} with few, ${times(publishes.many)} with many` : '–',
      pass: Number.isFinite(publishes.carried) ? publishes.carried < 1e-9 && publishes.all <= 1 + OTHER_PUBLISHES : null,
    },
    judged('pg-writes: ≥ 5000 stored messages/s, one process', medianOf(records, 'pg-writes', 'cluster-1', 'storedPerSecond'), count, (v) => v >= STORED_PER_SECOND),
    judged('pg-writes: ≥ 5000 stored messages/s, two processes', medianOf(records, 'pg-writes', 'cluster-2', 'storedPerSecond'), count, (v) => v >= STORED_PER_SECOND),
    judged('pg-history: store roomHistory page p99 < 5 ms', medianOf(records, 'pg-history', 'cluster-1', 'storeP99Ms'), millis, (v) => v < 5),
    judged('pg-history: WebSocket history page p99 < 5 ms', medianOf(records, 'pg-history', 'cluster-1', 'historyP99Ms'), millis, (v) => v < 5),
  ];
}
