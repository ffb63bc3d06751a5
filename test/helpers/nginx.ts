// Debian's nginx running the bundled site (nginx/chat.conf, its three operator-specific values
// swapped for the test's) in front of a test server, for the deploy suite (test/deploy/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';
import { stopChild } from '../../src/tools/kit/server.js';
import type { ServerFixture } from './fixture.js';
import { freePort } from './ports.js';
import { sleep } from './wait.js';

/** The bundled site configuration, the file operators install. */
export const SITE_CONF = path.join(ROOT_DIR, 'nginx/chat.conf');
export const STATIC_DIR = path.join(ROOT_DIR, 'static');

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

/**
 * Whether the nginx tests can run. On a newcomer's machine without nginx they are skipped with a
 * printed reason; under CI (`CI=true`) a missing nginx is an error, so the tests never silently skip.
 */
export function nginxForTests(): string | undefined {
  const binary = findNginx();
  if (binary) return binary;
  const reason = `nginx not found (${DEBIAN_NGINX} absent and no nginx on PATH)`;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the nginx tests (apt-get install nginx-light)`);
  console.warn(`SKIPPING the nginx tests: ${reason}. Install nginx (apt-get install nginx-light) to run them.`);
  return undefined;
}

/** Replaces `pattern` in `text`, failing loudly when it does not occur exactly `expected` times. */
function replaceExactly(text: string, pattern: RegExp, replacement: string, expected: number, what: string): string {
  const count = [...text.matchAll(pattern)].length;
  if (count !== expected) {
    throw new Error(`${SITE_CONF}: expected ${expected} × ${what} (${pattern}), found ${count}; update test/helpers/nginx.ts with the file`);
  }
  return text.replace(pattern, replacement);
}

export interface SiteOptions {
  /** Port nginx listens on, instead of 80. */
  port: number;
  /** Port of the app, instead of 3000. */
  appPort: number;
  /** Folder served under /static/, instead of /srv/chat/static/. */
  staticDir?: string;
  /** A change an operator makes to the bundled file first (uncommenting the HSTS lines, say). */
  edit?: (source: string) => string;
}

/**
 * The bundled site file with its three operator-specific values swapped for the test's: every
 * replacement must match, so a test passing means the shipped file itself works.
 */
export function siteConfig(options: SiteOptions, source = fs.readFileSync(SITE_CONF, 'utf8')): string {
  const staticDir = path.resolve(options.staticDir ?? STATIC_DIR);
  let conf = source;
  // Only the active `listen 80;` (the commented redirect server's copy starts with '#').
  conf = replaceExactly(conf, /^(\s*)listen\s+80\s*;/gm, `$1listen 127.0.0.1:${options.port};`, 1, '`listen 80;`');
  conf = replaceExactly(conf, /^(\s*)server\s+127\.0\.0\.1:3000\b/gm, `$1server 127.0.0.1:${options.appPort}`, 1, 'upstream `server 127.0.0.1:3000`');
  conf = replaceExactly(conf, /^(\s*)alias\s+\/srv\/chat\/static\/\s*;/gm, `$1alias ${staticDir}/;`, 1, '`alias /srv/chat/static/;`');
  if (/127\.0\.0\.1:3000/.test(conf.replace(/#.*$/gm, ''))) throw new Error(`${SITE_CONF}: 127.0.0.1:3000 left outside the upstream`);
  return conf;
}

/** A minimal main configuration around the site: everything nginx writes stays under `prefix`. */
export function mainConfig(prefix: string, site: string): string {
  const p = (name: string) => path.join(prefix, name);
  return [
    'daemon off;',
    // Running as root (containers, CI), workers would drop to `nobody` and not read the temp folder.
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    'worker_processes 1;',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '    include /etc/nginx/mime.types;',
    '    default_type application/octet-stream;',
    '    access_log off;',
    `    client_body_temp_path ${p('client_body')};`,
    `    proxy_temp_path ${p('proxy')};`,
    `    fastcgi_temp_path ${p('fastcgi')};`,
    `    uwsgi_temp_path ${p('uwsgi')};`,
    `    scgi_temp_path ${p('scgi')};`,
    '',
    site,
    '}',
    '',
  ].join('\n');
}

export interface PreparedNginx {
  binary: string;
  prefix: string;
  confFile: string;
  port: number;
  url: string;
}

/** Writes the main configuration to a fresh temporary prefix; `nginx -t -p prefix -c confFile` checks it. */
export function prepareNginx(binary: string, options: SiteOptions): PreparedNginx {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-nginx-'));
  const confFile = path.join(prefix, 'nginx.conf');
  const source = fs.readFileSync(SITE_CONF, 'utf8');
  fs.writeFileSync(confFile, mainConfig(prefix, siteConfig(options, options.edit ? options.edit(source) : source)));
  return { binary, prefix, confFile, port: options.port, url: `http://127.0.0.1:${options.port}` };
}

/** `-e` sends start-up messages to the prefix too, not to /var/log/nginx (unwritable for a user). */
function nginxArgs(prepared: PreparedNginx, ...extra: string[]): string[] {
  return ['-p', prepared.prefix, '-e', path.join(prepared.prefix, 'error.log'), '-c', prepared.confFile, ...extra];
}

/** `nginx -t` on the prepared configuration; throws with nginx's output when it is rejected. */
export function checkNginxConfig(prepared: PreparedNginx): string {
  const result = spawnSync(prepared.binary, nginxArgs(prepared, '-t'), { encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`nginx -t failed (${result.status}):\n${output}`);
  return output;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningNginx {
  url: string;
  port: number;
  prefix: string;
  /** nginx's own log: start-up errors, upstream failures. */
  errorLog(): string;
  stop(): Promise<void>;
}

function readLog(prefix: string): string {
  try {
    return fs.readFileSync(path.join(prefix, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}

async function startOnce(binary: string, options: Omit<SiteOptions, 'port'>, port: number): Promise<RunningNginx> {
  const prepared = prepareNginx(binary, { ...options, port });
  const child: ChildProcess = spawn(binary, nginxArgs(prepared), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  child.once('error', (error) => {
    output += String(error);
  });

  const stop = async (): Promise<void> => {
    if (exitCode === undefined) {
      // TERM: fast shutdown, open WebSockets included (QUIT would wait for them).
      await stopChild(child, exited, 5000);
    }
    fs.rmSync(prepared.prefix, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  while (exitCode === undefined) {
    if (await canConnect(port)) {
      return { url: prepared.url, port, prefix: prepared.prefix, errorLog: () => readLog(prepared.prefix), stop };
    }
    if (Date.now() > deadline) {
      const log = readLog(prepared.prefix);
      await stop();
      throw new Error(`nginx did not accept connections on ${port} within 10 s:\n${output}\n${log}`);
    }
    await sleep(50);
  }
  const log = readLog(prepared.prefix);
  await stop();
  throw Object.assign(new Error(`nginx exited (${exitCode}) before accepting connections:\n${output}\n${log}`), {
    addressInUse: /Address already in use/.test(output + log),
  });
}

/**
 * Runs Debian's nginx in the foreground (`daemon off`) with the bundled site in front of the app on
 * `appPort`, on a free port; resolves once the port accepts connections.
 */
export async function startNginx(binary: string, options: Omit<SiteOptions, 'port'>): Promise<RunningNginx> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, options, await freePort());
    } catch (error) {
      // The free port was taken between the check and nginx's bind: try another.
      if (attempt < 3 && (error as { addressInUse?: boolean }).addressInUse) continue;
      throw error;
    }
  }
}

/** nginx in front of a suite's server: its address over http and for the chat socket. */
export interface NginxFixture {
  readonly url: string;
  readonly wsUrl: string;
}

/**
 * Runs the bundled site in front of the server of `chat` (test/helpers/fixture.ts) for the suite it
 * is called in: started after the server in beforeAll, stopped in afterAll.
 */
export function useNginx(binary: string, chat: ServerFixture): NginxFixture {
  let running: RunningNginx | undefined;
  beforeAll(async () => {
    running = await startNginx(binary, { appPort: chat.server.port });
  });
  afterAll(async () => {
    await running?.stop();
  });
  const started = (): RunningNginx => {
    if (!running) throw new Error('nginx starts in beforeAll: use it inside a test or hook');
    return running;
  };
  return {
    get url() {
      return started().url;
    },
    get wsUrl() {
      return `${started().url.replace(/^http/, 'ws')}/ws/chat`;
    },
  };
}
