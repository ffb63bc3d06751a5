// Debian's nginx running the bundled sites (nginx/chat.conf in front of one test server,
// nginx/chat-cluster.conf in front of several), their operator-specific values swapped for the
// test's, for the deploy suite (test/deploy/). The files' text is made by the cluster tool's own
// src/tools/cluster/nginxConfig.ts, so that a test passing means what `npm run cluster` runs works.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';
import { canConnect, findNginx } from '../../src/tools/cluster/nginx.js';
import { CLUSTER_CONF, clusterSite, mainConfig, nginxArgs as argsFor, replaceExactly, SITE_CONF } from '../../src/tools/cluster/nginxConfig.js';
import { stopChild } from '../../src/tools/kit/server.js';
import type { ServerFixture } from './fixture.js';
import { freePort } from './ports.js';
import { sleep } from './wait.js';

export { CLUSTER_CONF, findNginx, mainConfig, SITE_CONF };
export const STATIC_DIR = path.join(ROOT_DIR, 'static');

const DEBIAN_NGINX = '/usr/sbin/nginx';

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

/** The processes behind nginx: one app (nginx/chat.conf), or several (nginx/chat-cluster.conf). */
type Upstream = { appPort: number; appPorts?: never } | { appPorts: readonly number[]; appPort?: never };

/** What a test runs nginx with, but its port. */
export type SiteSpec = Upstream & {
  /** Folder served under /static/, instead of /srv/chat/static/. */
  staticDir?: string;
  /** A change an operator makes to the bundled file first (uncommenting the HSTS lines, say). */
  edit?: (source: string) => string;
};

/** Port nginx listens on, instead of 80. */
export type SiteOptions = SiteSpec & { port: number };

/**
 * The bundled single-process file with its three operator-specific values swapped for the test's:
 * every replacement must match, so a test passing means the shipped file itself works.
 */
export function siteConfig(options: { port: number; appPort: number; staticDir?: string }, source = fs.readFileSync(SITE_CONF, 'utf8')): string {
  const staticDir = path.resolve(options.staticDir ?? STATIC_DIR);
  const swap = (text: string, pattern: RegExp, replacement: string, what: string) => replaceExactly(text, pattern, replacement, 1, what, SITE_CONF);
  let conf = source;
  // Only the active `listen 80;` (the commented redirect server's copy starts with '#').
  conf = swap(conf, /^(\s*)listen\s+80\s*;/gm, `$1listen 127.0.0.1:${options.port};`, '`listen 80;`');
  conf = swap(conf, /^(\s*)server\s+127\.0\.0\.1:3000\b/gm, `$1server 127.0.0.1:${options.appPort}`, 'upstream `server 127.0.0.1:3000`');
  conf = swap(conf, /^(\s*)alias\s+\/srv\/chat\/static\/\s*;/gm, `$1alias ${staticDir}/;`, '`alias /srv/chat/static/;`');
  if (/127\.0\.0\.1:3000/.test(conf.replace(/#.*$/gm, ''))) throw new Error(`${SITE_CONF}: 127.0.0.1:3000 left outside the upstream`);
  return conf;
}

/** The site the options ask for, from its bundled file (edited first when they say so). */
function siteFor(options: SiteOptions): string {
  const file = options.appPorts ? CLUSTER_CONF : SITE_CONF;
  const source = fs.readFileSync(file, 'utf8');
  const edited = options.edit ? options.edit(source) : source;
  if (options.appPorts) return clusterSite({ port: options.port, appPorts: options.appPorts, staticDir: options.staticDir }, edited);
  return siteConfig({ port: options.port, appPort: options.appPort, staticDir: options.staticDir }, edited);
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
  fs.writeFileSync(confFile, mainConfig(prefix, siteFor(options), { accessLog: options.appPorts !== undefined }));
  return { binary, prefix, confFile, port: options.port, url: `http://127.0.0.1:${options.port}` };
}

/** `-e` sends start-up messages to the prefix too, not to /var/log/nginx (unwritable for a user). */
const nginxArgs = (prepared: PreparedNginx, ...extra: string[]): string[] => argsFor(prepared.prefix, prepared.confFile, ...extra);

/** `nginx -t` on the prepared configuration; throws with nginx's output when it is rejected. */
export function checkNginxConfig(prepared: PreparedNginx): string {
  const result = spawnSync(prepared.binary, nginxArgs(prepared, '-t'), { encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`nginx -t failed (${result.status}):\n${output}`);
  return output;
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

async function startOnce(binary: string, options: SiteSpec, port: number): Promise<RunningNginx> {
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
export async function startNginx(binary: string, options: SiteSpec): Promise<RunningNginx> {
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
