// What the run prints when the attacks are over: the table (one row per attack), the pair's
// reconnects, the server's log events and exit, and the totals.
import { seconds, tally } from './format.js';
import type { Pair } from './pair.js';
import type { Target } from './target.js';

export interface Row {
  attack: string;
  tried: string;
  happened: string;
  lost: number;
  memory: string;
  failed: boolean;
}

function table(rows: Row[]): string {
  const header = ['attack', 'tried', 'what happened', 'messages lost', 'peak server memory'];
  const cells = rows.map((row) => [row.attack, row.tried, row.happened, String(row.lost), row.memory]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)));
  const line = (cell: string[]) => cell.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...cells.map(line)].join('\n');
}

/** Messages lost in all, and the attacks where something that must hold did not. */
export function totals(rows: Row[]): { lost: number; failed: string[] } {
  return { lost: rows.reduce((sum, row) => sum + row.lost, 0), failed: rows.filter((row) => row.failed).map((row) => row.attack) };
}

export function report(rows: Row[], pair: Pair, target: Target, exitCode: number | null | undefined, totalMs: number): string {
  const { lost, failed } = totals(rows);
  const lines = [`\n${table(rows)}\n`];
  lines.push(`pair reconnects: ${pair.members.map((member) => `${member.name} ${member.reconnects}`).join(', ')}`);
  if (target.own) {
    lines.push(`server log events: ${tally(target.events)}`);
    lines.push(`server stopped with SIGTERM: exit ${exitCode ?? 'killed'}`);
  }
  lines.push(`total ${seconds(totalMs)}; messages lost ${lost}${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`);
  return `${lines.join('\n')}\n`;
}
