// nginx in front of the cluster's processes: the binary, the generated configuration in a
// temporary prefix (`nginx -p <prefix> -c <prefix>/nginx.conf`, nothing written elsewhere), run in
// the foreground until stopped.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from '../kit/server.js';
import { sleep } from '../kit/wait.js';
import { clusterSite, mainConfig, nginxArgs, type ClusterSiteOptions } from './nginxConfig.js';

const DEBIAN_NGINX = '/usr/sbin/nginx';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The nginx binary: Debian's /usr/sbin/nginx, else the first `nginx` on PATH; undefined if none. */
export function findNginx(): string | undefined {
  if (isExecutable(DEBIAN_NGINX)) return DEBIAN_NGINX;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'nginx'))) return path.join(dir, 'nginx');
  }
  return undefined;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ClusterNginx {
  url: string;
  /** The temporary prefix: nginx.conf, error.log, access.log (which process answered each request). */
  prefix: string;
  /** Resolves when nginx exits, whoever stopped it; with what it wrote. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  errorLog(): string;
  /** Fast shutdown (TERM: open WebSockets closed too), then the prefix removed. */
  stop(): Promise<void>;
}

const readLog = (prefix: string): string => {
  try {
    return fs.readFileSync(path.join(prefix, 'error.log'), 'utf8');
  } catch {
    return '';
  }
};

/**
 * Writes nginx/chat-cluster.conf for these ports into a fresh prefix, checks it with `nginx -t`,
 * runs it, and resolves once its port accepts connections; rejects with nginx's words otherwise.
 */
export async function startClusterNginx(binary: string, options: ClusterSiteOptions, startTimeoutMs = 10_000): Promise<ClusterNginx> {
  // Else the wait below would take whatever holds the port for nginx, which cannot bind it.
  if (await canConnect(options.port)) throw new Error(`port ${options.port} is taken: choose another with --port`);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cluster-'));
  const confFile = path.join(prefix, 'nginx.conf');
  const fail = (message: string): never => {
    const log = readLog(prefix);
    fs.rmSync(prefix, { recursive: true, force: true });
    throw new Error(`${message}\n${log}`.trim());
  };
  fs.writeFileSync(confFile, mainConfig(prefix, clusterSite(options), { accessLog: true }));
  const check = spawnSync(binary, nginxArgs(prefix, confFile, '-t'), { encoding: 'utf8' });
  if (check.status !== 0) fail(`nginx -t refused the generated configuration:\n${check.stdout ?? ''}${check.stderr ?? ''}`);

  const child = spawn(binary, nginxArgs(prefix, confFile), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.once('error', (error) => (output += String(error)));
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const stop = async (): Promise<void> => {
    if (running) await stopChild(child, exited, 5000);
    fs.rmSync(prefix, { recursive: true, force: true });
  };

  const deadline = Date.now() + startTimeoutMs;
  while (!(await canConnect(options.port))) {
    if (!running) fail(`nginx exited at start:\n${output}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited, 5000);
      fail(`nginx did not accept connections on ${options.port} within ${startTimeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${options.port}`, prefix, exited, errorLog: () => readLog(prefix), stop };
}
