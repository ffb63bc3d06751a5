import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Keygrip from 'keygrip';
import { loadConfig } from '../../src/config.js';
import type { Bus } from '../../src/bus/bus.js';
import { DeferredBus } from '../../src/bus/deferred.js';
import { startServer, type Parts } from '../../src/server.js';
import { cookieHeader, type Account } from '../../src/tools/kit/http.js';
import { PRODUCT_MAIN, runningAt } from '../../src/tools/kit/server.js';
import { createTestDatabase, onPostgres } from './postgres.js';

// Sign-in is the tools' kit's (src/tools/kit/http.ts): `signIn(url, name = 'Tester')`, and
// `cookieHeader` of a fetch Response (or of the kit's own answers).
export { cookieHeader, signIn } from '../../src/tools/kit/http.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  /** The PostgreSQL database it keeps everything in, when it runs on one (TEST_STORE=postgres). */
  databaseUrl?: string;
  close(): Promise<void>;
}

/**
 * How many processes the integration suite's site runs as: 1, or with TEST_CLUSTER=n (the cluster
 * project of vitest.config.ts, on PostgreSQL and Redis) n, its sockets and sign-ins spread over them.
 */
export function clusterSize(): number {
  const size = Number(process.env.TEST_CLUSTER ?? '1');
  if (!Number.isInteger(size) || size < 1) throw new Error(`TEST_CLUSTER=${process.env.TEST_CLUSTER}: expected a whole number of processes`);
  return size;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'chat-test-'));
}

/**
 * The bus the in-process servers of a run use: the product's own, or with TEST_BUS=deferred (one
 * of the suite's projects in vitest.config.ts) one that delivers later, as a remote bus would.
 */
export function testBus(): Bus | undefined {
  const chosen = process.env.TEST_BUS;
  // redis: the server's own choice from REDIS_URL, which the fixture sets (test/helpers/fixture.ts).
  if (chosen === undefined || chosen === '' || chosen === 'memory' || chosen === 'redis') return undefined;
  if (chosen === 'deferred') return new DeferredBus();
  throw new Error(`TEST_BUS=${chosen}: expected memory, deferred or redis`);
}

/**
 * The real server, in this process, on an ephemeral port with a temporary data folder. With
 * TEST_STORE=postgres (the `postgres` project of vitest.config.ts) it keeps everything in a fresh
 * PostgreSQL database, dropped when it closes, unless `env` names one (DATABASE_URL) to keep across restarts.
 */
export async function startTestServer(env: Record<string, string> = {}, dataDir = tempDataDir(), parts: Parts = {}): Promise<TestServer> {
  const database = onPostgres() && env.DATABASE_URL === undefined && parts.store === undefined ? await createTestDatabase() : undefined;
  const settings = database ? { ...env, DATABASE_URL: database.url } : env;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, QUIET: '1', ...settings });
  const bus = parts.bus ?? testBus();
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config, bus === undefined ? parts : { ...parts, bus });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  return {
    url: running.url,
    wsUrl: running.url.replace(/^http/, 'ws') + '/ws/chat',
    port: running.port,
    dataDir,
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
    close: async () => {
      await running.close();
      await database?.drop();
    },
  };
}

/** A signed-in user and the Cookie header a browser would send: `user=…; user.sig=…`. */
export type SignedIn = Account;

/** A form POST as a browser sends one, the redirect left to the test. */
export const formPost = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

/** A JSON POST that asks for JSON back, as the cookie's user when there is one. */
export const jsonPost = (body: unknown, cookie?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json', ...(cookie ? { cookie } : {}) },
  body: JSON.stringify(body),
});

/** Signs in with a name and a password (an account, or claiming the name) as JSON; anything but 200 throws. */
export async function signInWithPassword(url: string, name: string, password: string): Promise<SignedIn> {
  const response = await fetch(`${url}/signin`, jsonPost({ name, password }));
  if (response.status !== 200) throw new Error(`sign-in of ${name} with a password: ${response.status} ${await response.text()}`);
  const { data } = (await response.json()) as { data: SignedIn['user'] };
  return { user: data, cookie: cookieHeader(response) };
}

/** What a forger can build: a `user` cookie pair whose signature is made with some key (no session). */
export function forgeUserCookie(user: object, key: string): string {
  const value = Buffer.from(JSON.stringify(user)).toString('base64');
  const sig = new Keygrip([key]).sign(`user=${value}`);
  return `user=${value}; user.sig=${sig}`;
}

export interface SpawnedServer {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** The built server (`dist/main.js`) as its own process, for signals and crashes; `nodeFlags` go before it (`node <flags> dist/main.js`). */
export async function spawnServer(env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...nodeFlags, PRODUCT_MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await runningAt(child, 15_000, () => output);
  return { url, wsUrl: `${url.replace(/^http/, 'ws')}/ws/chat`, child, exited, output: () => output };
}
