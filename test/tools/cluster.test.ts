// `npm run cluster` as a developer runs it, built: two processes on a test database and a Redis
// prefix of their own, each answering on its own port and accepting the other's cookie; nginx in
// front handing plain GETs to both (its access.log names the process of each request); a process
// killed with SIGKILL reported and restarted; SIGTERM stopping every process and nginx. Needs
// PostgreSQL and Redis (skipped with a printed reason without them, a failure under CI=true);
// without nginx, its part is skipped the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxForTests } from '../helpers/nginx.js';
import { freePort, freePorts } from '../helpers/ports.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, TEST_REDIS_URL, redisForTests, testRedisPrefix } from '../helpers/redis.js';
import { signIn } from '../helpers/server.js';
import { expectBuilt, runTool, toolMain } from '../helpers/tool.js';
import { until } from '../helpers/wait.js';

const engines = (await postgresForTests()) && (await redisForTests());
const nginxBinary = engines ? nginxForTests() : undefined;

/** The built tool running in the background, with what it has printed so far. */
interface RunningCluster {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCluster(args: string[], env: NodeJS.ProcessEnv): RunningCluster {
  const child = spawn(process.execPath, [toolMain('cluster'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for `pattern` in what the tool printed, failing with all it printed. */
async function printed(cluster: RunningCluster, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  const seen = await until(`${pattern} in the cluster's output`, () => pattern.exec(cluster.stdout()), (match) => match !== null || cluster.child.exitCode !== null, timeoutMs).catch(
    (error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${cluster.stdout()}\nstderr:\n${cluster.stderr().slice(-4000)}`);
    },
  );
  if (!seen) throw new Error(`the cluster exited (${cluster.child.exitCode}) before printing ${pattern}:\n${cluster.stdout()}\n${cluster.stderr().slice(-4000)}`);
  return seen;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const status = async (url: string, init?: RequestInit): Promise<number> => {
  const response = await fetch(url, { redirect: 'manual', ...init });
  await response.arrayBuffer();
  return response.status;
};

/** The environment the tool gets: this one without the shared settings, then `settings`. */
function envWith(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'PORT', 'SECRET']) delete env[key];
  return { ...env, QUIET: '1', ...settings };
}

describe.skipIf(!engines)('npm run cluster', () => {
  let database: TestDatabase | undefined;
  const prefix = testRedisPrefix();
  let cluster: RunningCluster | undefined;
  let basePort = 0;
  let nginxPort = 0;
  const pids: number[] = [];
  let nginxPrefix: string | undefined;

  beforeAll(async () => {
    expectBuilt('cluster');
    database = await createTestDatabase();
  });
  afterAll(async () => {
    if (cluster && cluster.child.exitCode === null && cluster.child.signalCode === null) {
      cluster.child.kill('SIGKILL');
      await cluster.exited;
    }
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await database?.drop();
    await deleteKeys(prefix);
  });

  it('refuses to start without DATABASE_URL or REDIS_URL, saying which is missing', async () => {
    const neither = await runTool('cluster', ['--processes', '2'], envWith({}));
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/DATABASE_URL is not set/);
    expect(neither.stderr).toMatch(/REDIS_URL is not set/);
    const noRedis = await runTool('cluster', ['--processes', '2'], envWith({ DATABASE_URL: database!.url }));
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/REDIS_URL is not set/);
    expect(noRedis.stderr).not.toMatch(/DATABASE_URL is not set/);
    expect(noRedis.stdout).toBe('');
  });

  it('starts two processes that each answer on their own port, as one site', { timeout: 90_000 }, async () => {
    basePort = await freePorts(2);
    nginxPort = await freePort();
    cluster = startCluster(
      ['--processes', '2', '--base-port', String(basePort), '--port', String(nginxPort)],
      envWith({ DATABASE_URL: database!.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }),
    );
    await printed(cluster, /^Ctrl-C stops everything/m);
    for (const number of [1, 2]) {
      const match = new RegExp(`process ${number}: http://127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)\\)`).exec(cluster.stdout());
      expect(match, cluster.stdout()).not.toBeNull();
      expect(Number(match![1])).toBe(basePort + number - 1);
      pids.push(Number(match![2]));
    }
    for (const port of [basePort, basePort + 1]) expect(await status(`http://127.0.0.1:${port}/healthz`), `port ${port}`).toBe(200);
    // One site: signed in on the first process, the second knows the cookie (keys in the database).
    const alice = await signIn(`http://127.0.0.1:${basePort}`, 'Alice');
    expect(await status(`http://127.0.0.1:${basePort + 1}/`, { headers: { cookie: alice.cookie } })).toBe(200);
    expect(await status(`http://127.0.0.1:${basePort + 1}/`)).toBe(302);
  });

  it.skipIf(!nginxBinary)('puts nginx in front, which hands plain GETs to both processes', async () => {
    const stdout = cluster!.stdout();
    expect(stdout).toContain(`Open http://127.0.0.1:${nginxPort}`);
    nginxPrefix = /its configuration and logs in (\S+),/.exec(stdout)?.[1];
    expect(nginxPrefix, stdout).toBeDefined();
    for (let i = 0; i < 6; i++) expect(await status(`http://127.0.0.1:${nginxPort}/healthz`)).toBe(200);
    const log = fs.readFileSync(path.join(nginxPrefix!, 'access.log'), 'utf8');
    const answered = log
      .split('\n')
      .filter((line) => line.includes('GET /healthz'))
      .map((line) => /upstream=(\S+)/.exec(line)?.[1]);
    expect(answered).toHaveLength(6);
    expect(new Set(answered)).toEqual(new Set([`127.0.0.1:${basePort}`, `127.0.0.1:${basePort + 1}`]));
  });

  it('reports a process that dies and starts it again', { timeout: 60_000 }, async () => {
    process.kill(pids[1]!, 'SIGKILL');
    await printed(cluster!, new RegExp(`process 2 \\(port ${basePort + 1}\\) died \\(signal SIGKILL\\); restarting in 1 s`));
    const back = await printed(cluster!, new RegExp(`process 2 \\(port ${basePort + 1}\\) is back \\(pid (\\d+)\\)`));
    const pid = Number(back[1]);
    expect(pid).not.toBe(pids[1]);
    pids.push(pid);
    expect(await status(`http://127.0.0.1:${basePort + 1}/healthz`)).toBe(200);
    // The other went on meanwhile.
    expect(alive(pids[0]!)).toBe(true);
  });

  it('stops every process and nginx on SIGTERM, and exits 0', { timeout: 60_000 }, async () => {
    cluster!.child.kill('SIGTERM');
    const exit = await cluster!.exited;
    expect(exit, cluster!.stdout()).toEqual({ code: 0, signal: null });
    const stopping = cluster!.stdout().slice(cluster!.stdout().indexOf('SIGTERM: stopping the processes'));
    expect(stopping, cluster!.stdout()).toMatch(nginxBinary ? /^SIGTERM: stopping the processes, then nginx\nstopped\n$/ : /^SIGTERM: stopping the processes\nstopped\n$/);
    // Each server was asked to stop (its own words on SIGTERM), not killed.
    for (const port of [basePort, basePort + 1]) expect(cluster!.stderr()).toContain(`[${port}] SIGTERM received: closing connections`);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    for (const port of [basePort, basePort + 1, ...(nginxBinary ? [nginxPort] : [])]) expect(await accepts(port), `port ${port}`).toBe(false);
    if (nginxPrefix) expect(fs.existsSync(nginxPrefix)).toBe(false);
  });
});
