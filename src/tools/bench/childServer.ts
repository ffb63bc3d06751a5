// Starting one server of the benchmark as a child process: the script, its environment, its
// "running at" line, whether it died on its own, and stopping it. Every target is made of these.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runningAt, stopChild } from '../kit/server.js';

/** One server process of a target. */
export interface ServerProcessInfo {
  pid: number;
  url: string;
  wsUrl: string;
}

/** The product as the benchmark runs it: no limits in the way, quiet, heartbeat at its default. */
export const PRODUCT_SETTINGS: Record<string, string> = {
  QUIET: '1',
  RATE_LIMIT: '0',
  FRAME_RATE_LIMIT: '0',
  SIGNIN_RATE_LIMIT: '0',
  ROOM_RATE_LIMIT: '0',
  SEARCH_RATE_LIMIT: '0',
  MAX_CONNECTIONS: '0',
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  MAX_CONNECTIONS_PER_USER: '0',
};

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A started child process: its URL, whether it died, and how to stop it. */
export interface StartedProcess extends ServerProcessInfo {
  died(): string | undefined;
  stop(): Promise<void>;
}

/** Starts `script` with `env` and waits for its "running at" line (on 127.0.0.1 and the port env gives). */
export async function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, startTimeoutMs = 30_000): Promise<StartedProcess> {
  // BENCH_NODE_OPTIONS (e.g. "--perf-basic-prof-only-functions" or "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the
  // servers under load: flags on the command line, where Node takes those NODE_OPTIONS refuses (--cpu-prof, --prof).
  const nodeFlags = (process.env.BENCH_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  // BENCH_SERVER_LOG=DIR keeps each server's whole output (with --trace-deopt, say) in DIR/<name>-<pid>.log.
  const logDir = process.env.BENCH_SERVER_LOG;
  if (logDir && child.pid !== undefined) {
    fs.mkdirSync(logDir, { recursive: true });
    const log = fs.createWriteStream(path.join(logDir, `${name.replace(/[^\w.-]+/g, '_')}-${child.pid}.log`));
    // Each chunk after a line of the time it came (ms since the process started), to tell the phases of a run apart.
    const started = Date.now();
    const stamped = (chunk: Buffer) => log.write(`@${Date.now() - started}\n${chunk.toString()}`);
    child.stdout?.on('data', stamped);
    child.stderr?.on('data', stamped);
    child.once('exit', () => log.end());
  }
  let stopping = false;
  let died: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) died = `${name} exited unexpectedly (code ${code}, signal ${signal}): ${tail.trim().split('\n').slice(-5).join(' / ')}`;
      resolve();
    }),
  );
  let url: string;
  try {
    url = await runningAt(child, startTimeoutMs, () => tail, name);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return {
    pid: child.pid,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws/chat`,
    died: () => died,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        stopping = true;
        await stopChild(child, exited);
      }
    },
  };
}

