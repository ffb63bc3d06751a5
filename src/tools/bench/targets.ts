// The three servers the benchmark measures, each started as a fresh child process: the product
// (dist/main.js with its own data folder) and the two reference servers of this folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../paths.js';
import { PRODUCT_MAIN, runningAt, serverEnv, stopChild } from '../kit/server.js';

export const TARGETS = ['product', 'plain', 'frame-once'] as const;
export type TargetName = (typeof TARGETS)[number];

export const TARGET_DESCRIPTIONS: Record<TargetName, string> = {
  product: 'node dist/main.js: every message stored in SQLite, as in production',
  plain: 'reference: ws + JSON.stringify and ws.send per client, as tutorials do it',
  'frame-once': 'reference: each message framed once, one corked write per socket per tick',
};

const SCRIPTS: Record<TargetName, string> = {
  product: PRODUCT_MAIN,
  plain: path.join(ROOT_DIR, 'build/tools/bench/plainServer.js'),
  'frame-once': path.join(ROOT_DIR, 'build/tools/bench/frameOnceServer.js'),
};

/** The product as the benchmark runs it: no limits in the way, quiet, heartbeat at its default. */
const PRODUCT_SETTINGS: Record<string, string> = {
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

export interface StartOptions {
  /** The product's DATA_DIR; a fresh temporary folder (removed on stop) when not given. */
  dataDir?: string;
  startTimeoutMs?: number;
}

export interface RunningTarget {
  name: TargetName;
  url: string;
  wsUrl: string;
  pid: number;
  /** The product's data folder. */
  dataDir: string | undefined;
  /** Set when the process ended without being asked to. */
  died(): string | undefined;
  /** SIGTERM, SIGKILL after a grace period; removes a temporary data folder. */
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts one target on 127.0.0.1 and an ephemeral port, and waits for its "running at" line. */
export async function startTarget(name: TargetName, options: StartOptions = {}): Promise<RunningTarget> {
  // None of the product's settings come from the benchmark's own environment.
  const env = serverEnv({ HOST: '127.0.0.1', PORT: '0' });
  const ownDataDir = name === 'product' && options.dataDir === undefined;
  const dataDir = name === 'product' ? (options.dataDir ?? tempDir('chat-bench-data-')) : undefined;
  if (name === 'product') Object.assign(env, PRODUCT_SETTINGS, { DATA_DIR: dataDir });

  const child: ChildProcess = spawn(process.execPath, [SCRIPTS[name]], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  let stopping = false;
  let died: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) died = `${name} exited unexpectedly (code ${code}, signal ${signal}): ${tail.trim().split('\n').slice(-5).join(' / ')}`;
      resolve();
    }),
  );
  const cleanUp = () => {
    if (ownDataDir && dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await runningAt(child, options.startTimeoutMs ?? 30_000, () => tail, name);
  } catch (error) {
    child.kill('SIGKILL');
    cleanUp();
    throw error;
  }

  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws/chat`,
    pid: child.pid,
    dataDir,
    died: () => died,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        stopping = true;
        await stopChild(child, exited);
      }
      cleanUp();
    },
  };
}
