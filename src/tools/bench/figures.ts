// What the report is made of, shared by the single-process and the cluster parts: a run's record,
// the formats of figures, a table's column, a ratio, a target's line, and medians over rounds.
import type { ScenarioName } from './scenarios.js';
import { median } from './stats.js';
import type { TargetName } from './targets.js';

export interface RunRecord {
  round: number;
  /** Place of the target in its round's order (0 = first). */
  position: number;
  scenario: ScenarioName;
  target: TargetName;
  ok: boolean;
  error?: string;
  startedAt: string;
  durationMs: number;
  lost: number;
  generatorBound: boolean;
  notes: string[];
  metrics: Record<string, number>;
}

export type Format = (value: number) => string;

export const count: Format = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '–');
export const micros: Format = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} µs` : '–');
export const millis: Format = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ms` : '–');
export const seconds: Format = (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : '–');
export const kib: Format = (v) => (Number.isFinite(v) ? `${(v / 1024).toFixed(1)} KiB` : '–');
export const mib: Format = (v) => (Number.isFinite(v) ? `${(v / 1024 / 1024).toFixed(0)} MiB` : '–');
export const share: Format = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '–');
export const ratio: Format = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');

export interface Column {
  key: string;
  label: string;
  format: Format;
}

export interface RatioSpec {
  scenario: ScenarioName;
  label: string;
  metric: string;
  over: TargetName;
  under: TargetName;
}

export interface RatioResult {
  scenario: ScenarioName;
  label: string;
  perRound: (number | null)[];
  median: number | null;
}

export interface TargetResult {
  label: string;
  /** The figure judged, formatted. */
  value: string;
  /** true pass, false miss, null not measured (scenario not run, or it failed). */
  pass: boolean | null;
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function metricOf(records: RunRecord[], round: number, scenario: ScenarioName, target: TargetName, metric: string): number {
  const record = records.find((r) => r.round === round && r.scenario === scenario && r.target === target && r.ok);
  return record?.metrics[metric] ?? NaN;
}

export function medianOf(records: RunRecord[], scenario: ScenarioName, target: TargetName, metric: string): number {
  return median(records.filter((r) => r.scenario === scenario && r.target === target && r.ok).map((r) => r.metrics[metric]));
}

