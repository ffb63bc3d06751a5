// A PostgreSQL server of the test's own, which it may stop and start (an outage): `initdb` into a
// temporary folder, listening on 127.0.0.1 on a free port, its socket in that folder, trust
// authentication, run with `pg_ctl`. PostgreSQL refuses to run as root: a test run as root runs
// it as the `postgres` OS user (runuser), the folder handed to that user. Without initdb (no
// PostgreSQL server installed) the tests that need it skip with a printed reason; under CI=true
// that is a failure instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

const POSTGRES_LIB = '/usr/lib/postgresql';
const RUNUSER = '/usr/sbin/runuser';
/** The OS user the server runs as when the test runs as root. */
const OS_USER = 'postgres';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The newest installed server's bin folder (/usr/lib/postgresql/<version>/bin) holding initdb, or undefined. */
export function postgresBinDir(): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(POSTGRES_LIB);
  } catch {
    return undefined;
  }
  return versions
    .filter((version) => isExecutable(path.join(POSTGRES_LIB, version, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(POSTGRES_LIB, version, 'bin'))[0];
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** The uid and gid of the OS user, from /etc/passwd; undefined when there is none. */
function osUser(name: string): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid === undefined || gid === undefined ? undefined : { uid: Number(uid), gid: Number(gid) };
}

/** Why an own PostgreSQL cannot be run here, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return `no initdb under ${POSTGRES_LIB}/*/bin (apt-get install postgresql)`;
  if (asRoot()) {
    if (!isExecutable(RUNUSER)) return `running as root and ${RUNUSER} is missing (PostgreSQL will not run as root)`;
    if (!osUser(OS_USER)) return `running as root and there is no "${OS_USER}" OS user to run PostgreSQL as`;
  }
  return undefined;
}

/**
 * Whether the tests that stop and start their own PostgreSQL can run: skipped with the reason
 * printed when they cannot; under CI=true, an error instead.
 */
export function ownPostgresForTests(): boolean {
  const reason = ownPostgresUnavailable();
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the PostgreSQL outage tests`);
  console.warn(`SKIPPING the tests with a PostgreSQL of their own: ${reason}.`);
  return false;
}

/** Runs a program of the server's (as the postgres user when root); rejects with its output when it fails. */
function run(dir: string, program: string, args: string[]): Promise<void> {
  const [command, argv] = asRoot() ? [RUNUSER, ['-u', OS_USER, '--', program, ...args]] : [program, args];
  return new Promise((resolve, reject) => {
    // cwd: a folder the postgres user may enter (the test's own may not be).
    const child = spawn(command, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(program)} ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

export interface OwnPostgres {
  /** The `chat` database on it, for DATABASE_URL. */
  url: string;
  port: number;
  /** Stops it as `systemctl stop` does (fast: connections ended, nothing more accepted); nothing when stopped. */
  stop(): Promise<void>;
  /** Starts it again, on the same port; resolves once it accepts connections; nothing when running. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its folder. */
  destroy(): Promise<void>;
}

/** A new server, started, with an empty database `chat` on it. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(ownPostgresUnavailable());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-own-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  if (asRoot()) {
    const user = osUser(OS_USER)!;
    fs.chownSync(dir, user.uid, user.gid);
  }
  const port = await freePort();
  let running = false;
  const pgCtl = (...args: string[]) => run(dir, path.join(bin, 'pg_ctl'), ['-D', data, ...args]);

  await run(dir, path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  // Only here and only for the test: its own port, its socket beside its data, nothing kept on a crash.
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'fsync = off', 'full_page_writes = off', ''].join('\n'),
  );

  // Each a no-op when already so, so that a failed test leaves the next one a server in a known state.
  const start = async () => {
    if (running) return;
    await pgCtl('-l', log, '-w', '-t', '30', 'start');
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
    running = false;
  };
  await start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE chat');
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/chat`,
    port,
    stop,
    start,
    destroy: async () => {
      if (running) await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
