// The bundled nginx sites (nginx/chat.conf, nginx/chat-cluster.conf) made runnable on this machine:
// their operator-specific values swapped for given ones, every swap required to match, so that
// what runs is the shipped file itself; and a main configuration that keeps everything nginx
// writes under one folder. For `npm run cluster` and the deploy tests alike.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR, STATIC_DIR } from '../../paths.js';

/** The single-process site, and the site of several processes. */
export const SITE_CONF = path.join(ROOT_DIR, 'nginx/chat.conf');
export const CLUSTER_CONF = path.join(ROOT_DIR, 'nginx/chat-cluster.conf');

/** Replaces `pattern` in `text`, failing loudly when it does not occur exactly `expected` times. */
export function replaceExactly(
  text: string,
  pattern: RegExp,
  replacement: string | ((match: string, ...groups: string[]) => string),
  expected: number,
  what: string,
  file: string,
): string {
  const count = [...text.matchAll(pattern)].length;
  if (count !== expected) {
    throw new Error(`${file}: expected ${expected} × ${what} (${pattern}), found ${count}; update src/tools/cluster/nginxConfig.ts with the file`);
  }
  return typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
}

export interface ClusterSiteOptions {
  /** Port nginx listens on (on 127.0.0.1), instead of 80. */
  port: number;
  /** The processes' ports, instead of 3001–3003. */
  appPorts: readonly number[];
  /** Folder served under /static/, instead of /srv/chat/static/. */
  staticDir?: string;
}

/** The `server 127.0.0.1:300N …;` lines of the cluster's upstream, consecutive, as shipped. */
const UPSTREAM_SERVERS = /^([ \t]*)server[ \t]+127\.0\.0\.1:300\d\b([^\n]*)\n(?:[ \t]*server[ \t]+127\.0\.0\.1:300\d\b[^\n]*\n)*/gm;

/** nginx/chat-cluster.conf for the given ports and static folder: one upstream line per process. */
export function clusterSite(options: ClusterSiteOptions, source = fs.readFileSync(CLUSTER_CONF, 'utf8')): string {
  if (options.appPorts.length === 0) throw new Error('a cluster needs at least one process');
  const staticDir = path.resolve(options.staticDir ?? STATIC_DIR);
  const file = CLUSTER_CONF;
  let conf = source;
  conf = replaceExactly(conf, /^(\s*)listen\s+80\s*;/gm, `$1listen 127.0.0.1:${options.port};`, 1, '`listen 80;`', file);
  // Each process keeps the shipped line's parameters (max_fails, fail_timeout).
  conf = replaceExactly(
    conf,
    UPSTREAM_SERVERS,
    // A function, so that `$` in the parameters is never read as a group reference.
    (_match: string, indent: string, rest: string) => options.appPorts.map((port) => `${indent}server 127.0.0.1:${port}${rest}\n`).join(''),
    1,
    'block of upstream `server 127.0.0.1:300N` lines',
    file,
  );
  conf = replaceExactly(conf, /^(\s*)alias\s+\/srv\/chat\/static\/\s*;/gm, `$1alias ${staticDir}/;`, 1, '`alias /srv/chat/static/;`', file);
  if (/127\.0\.0\.1:300\d\b/.test(conf.replace(/#.*$/gm, '').replace(/server 127\.0\.0\.1:\d+/g, ''))) {
    throw new Error(`${file}: a 127.0.0.1:300N address left outside the upstream`);
  }
  return conf;
}

/** Debian's list of file types, where there is one; else the few types the site serves. */
function mimeTypes(): string {
  const debian = '/etc/nginx/mime.types';
  if (fs.existsSync(debian)) return `    include ${debian};`;
  return '    types { text/html html; text/css css; application/javascript js; application/json json map; image/svg+xml svg; image/png png; }';
}

export interface MainOptions {
  /**
   * Log every request to `access.log` in the prefix with the process that answered it
   * ($upstream_addr): how to see the balancing at work without a header in production.
   */
  accessLog?: boolean;
}

/** A minimal main configuration around `site`: everything nginx writes stays under `prefix`. */
export function mainConfig(prefix: string, site: string, options: MainOptions = {}): string {
  const p = (name: string) => path.join(prefix, name);
  const accessLog = options.accessLog
    ? [
        `    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr $upstream_response_time';`,
        `    access_log ${p('access.log')} upstream;`,
      ]
    : ['    access_log off;'];
  return [
    'daemon off;',
    // Running as root (containers, CI), workers would drop to `nobody` and not read the temp folder.
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    'worker_processes 1;',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    mimeTypes(),
    '    default_type application/octet-stream;',
    ...accessLog,
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

/** `-e` sends start-up messages to the prefix too, not to /var/log/nginx (unwritable for a user). */
export function nginxArgs(prefix: string, confFile: string, ...extra: string[]): string[] {
  return ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', confFile, ...extra];
}
