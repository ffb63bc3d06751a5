// The servers the benchmark measures, each started fresh for every run: the product on SQLite
// (dist/main.js with its own data folder), the two reference servers of this folder, and the
// product on PostgreSQL and Redis as one process or as two (clusterTarget.ts).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../paths.js';
import { PRODUCT_MAIN, serverEnv } from '../kit/server.js';
import { PRODUCT_SETTINGS, startProcess, tempDir, type ServerProcessInfo, type StartedProcess } from './childServer.js';
import { startCluster } from './clusterTarget.js';
import type { EngineUrls } from './engines.js';

export const SINGLE_TARGETS = ['product', 'plain', 'frame-once'] as const;
/** The product on PostgreSQL and Redis, with how many processes: they need both engines. */
export const CLUSTER_TARGETS = { 'cluster-1': 1, 'cluster-2': 2 } as const;
export const TARGETS = [...SINGLE_TARGETS, 'cluster-1', 'cluster-2'] as const;
export type TargetName = (typeof TARGETS)[number];
export type ClusterTargetName = keyof typeof CLUSTER_TARGETS;

export const isCluster = (name: TargetName): name is ClusterTargetName => name in CLUSTER_TARGETS;
/** The product in any of its forms: it signs people in and sends presence; the references do neither. */
export const isProduct = (name: TargetName): boolean => name === 'product' || isCluster(name);

export const TARGET_DESCRIPTIONS: Record<TargetName, string> = {
  product: 'node dist/main.js: every message stored in SQLite, as in production',
  plain: 'reference: ws + JSON.stringify and ws.send per client, as tutorials do it',
  'frame-once': 'reference: each message framed once, one corked write per socket per tick',
  'cluster-1': 'node dist/main.js on PostgreSQL (a fresh database) and the Redis bus (a fresh prefix), one process',
  'cluster-2': 'two such processes on one database and prefix, the clients spread over both (no nginx)',
};

const SCRIPTS: Record<(typeof SINGLE_TARGETS)[number], string> = {
  product: PRODUCT_MAIN,
  plain: path.join(ROOT_DIR, 'build/tools/bench/plainServer.js'),
  'frame-once': path.join(ROOT_DIR, 'build/tools/bench/frameOnceServer.js'),
};

export { tempDir, type ServerProcessInfo };

export interface StartOptions {
  /** The product's DATA_DIR; a fresh temporary folder (removed on stop) when not given. */
  dataDir?: string;
  /** A cluster target's database (kept on stop); a fresh one (dropped on stop) when not given. */
  databaseUrl?: string;
  /** Where a cluster target finds PostgreSQL and Redis. */
  engines?: EngineUrls;
  startTimeoutMs?: number;
}

/** What a cluster target runs on: its database and Redis prefix. */
export interface TargetEngines {
  adminUrl: string;
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export interface RunningTarget {
  name: TargetName;
  /** The first process's URLs and pid (the only one's, but for cluster-2). */
  url: string;
  wsUrl: string;
  pid: number;
  /** Every process of the target, in order. */
  processes: ServerProcessInfo[];
  /** The product's data folder. */
  dataDir: string | undefined;
  /** A cluster target's engines. */
  engines?: TargetEngines;
  /** Set when a process ended without being asked to. */
  died(): string | undefined;
  /** SIGTERM, SIGKILL after a grace period; removes what the target made for itself. */
  stop(): Promise<void>;
}

/** Starts one target on 127.0.0.1 and ephemeral ports, and waits until every process of it listens. */
export async function startTarget(name: TargetName, options: StartOptions = {}): Promise<RunningTarget> {
  if (isCluster(name)) return startCluster(name, CLUSTER_TARGETS[name], options);
  // None of the product's settings come from the benchmark's own environment.
  const env = serverEnv({ HOST: '127.0.0.1', PORT: '0' });
  const ownDataDir = name === 'product' && options.dataDir === undefined;
  const dataDir = name === 'product' ? (options.dataDir ?? tempDir('chat-bench-data-')) : undefined;
  if (name === 'product') Object.assign(env, PRODUCT_SETTINGS, { DATA_DIR: dataDir });
  const cleanUp = () => {
    if (ownDataDir && dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let started: StartedProcess;
  try {
    started = await startProcess(name, SCRIPTS[name], env, options.startTimeoutMs);
  } catch (error) {
    cleanUp();
    throw error;
  }
  return {
    name,
    url: started.url,
    wsUrl: started.wsUrl,
    pid: started.pid,
    processes: [{ pid: started.pid, url: started.url, wsUrl: started.wsUrl }],
    dataDir,
    died: started.died,
    async stop() {
      await started.stop();
      cleanUp();
    },
  };
}
