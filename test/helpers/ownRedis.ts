// A redis-server of the test's own, on a free port, for outages: stop() kills it, start() brings it
// back on the same port (empty: nothing is saved). Without `redis-server` installed these tests
// are skipped with a printed reason; under CI (`CI=true`) that is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

const BINARY = process.env.TEST_REDIS_SERVER ?? 'redis-server';

/** Whether a redis-server can be started here: `describe.skipIf(!ownRedisForTests())`. */
export function ownRedisForTests(): boolean {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  const reason = `no ${BINARY} to start (${probe.error?.message || probe.stderr?.trim() || `exit ${probe.status}`})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the Redis outage tests (apt-get install redis-server)`);
  console.warn(`SKIPPING the Redis outage tests: ${reason}. Install redis-server or set TEST_REDIS_SERVER.`);
  return false;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** Kills it (SIGKILL: no goodbye to its clients, as a crash); resolves once it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

/** Starts a redis-server on a free port and waits until it accepts connections. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) throw new Error('this redis-server is running already');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir];
    const started = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    // Never left behind by a test run that ends without closing it.
    const orphaned = () => started.kill('SIGKILL');
    process.once('exit', orphaned);
    started.once('exit', () => process.off('exit', orphaned));
    await readyOrExit(started, port);
  };
  const stop = async () => {
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when redis-server says it is ready; rejects with its output when it exits or takes too long. */
function readyOrExit(child: ChildProcess, port: number, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} ${why}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.off('exit', exited);
        resolve();
      }
    };
    const exited = (code: number | null, signal: string | null) => fail(`exited (${signal ?? code})`);
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', exited);
    child.once('error', (error) => fail(`could not start (${error.message})`));
  });
}
