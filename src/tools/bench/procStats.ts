// What the benchmark reads about processes and the machine: server CPU time and memory from
// /proc (Linux), and the machine a run was made on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's times: `getconf CLK_TCK`, 100 when that fails. */
export function clkTck(): number {
  if (clockTicks === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      clockTicks = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time a process has used so far, in µs; undefined when /proc cannot tell. */
export function cpuMicros(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), counted from 1 with pid and comm; here from 0 after comm.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1_000_000) / clkTck();
}

function statusField(pid: number, name: string): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory now (VmRSS), in bytes. */
export function rssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

/**
 * Peak resident memory (VmHWM), in bytes. Every target is a fresh process per scenario, so this
 * is the scenario's peak.
 */
export function peakRssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmHWM');
}

/** The soft limit on open files of this process (children inherit it); undefined off Linux. */
export function openFileLimit(): number | undefined {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match?.[1]) return undefined;
    return match[1] === 'unlimited' ? Infinity : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  kernel: string;
  node: string;
  clkTck: number;
  openFileLimit: number | null;
  date: string;
  /** The 1-, 5- and 15-minute load averages at the start: other work on the machine moves every figure. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const limit = openFileLimit();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    clkTck: clkTck(),
    openFileLimit: limit === undefined || limit === Infinity ? null : limit,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
