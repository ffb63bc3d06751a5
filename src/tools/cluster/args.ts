// What `npm run cluster -- …` was asked for: its arguments, and the two settings every process of
// a cluster must share, from the environment.

export const USAGE = `usage: npm run cluster -- [--processes N] [--base-port PORT] [--port PORT] [--no-nginx] [--no-restart]

Starts N processes of the built server (dist/main.js) on ports PORT, PORT+1, … of 127.0.0.1, all on
the PostgreSQL of DATABASE_URL and the Redis of REDIS_URL (with REDIS_PREFIX when set), and nginx in
front of them (nginx/chat-cluster.conf) when nginx is installed. Every other setting of the
environment (SECRET, RATE_LIMIT, …) reaches every process. Ctrl-C or SIGTERM stops everything.

  --processes N     how many processes (default 2, at most 32)
  --base-port PORT  the first process's port (default 3001)
  --port PORT       nginx's port (default 8080)
  --no-nginx        no nginx, even when installed: open any process's own port
  --no-restart      a process that dies stays down (to watch its clients move to the others)`;

export interface ClusterOptions {
  processes: number;
  basePort: number;
  nginxPort: number;
  nginx: boolean;
  restart: boolean;
}

export interface SharedSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string | undefined;
}

/** Thrown for anything the person must change: printed with the usage, exit status 2. */
export class UsageError extends Error {}

function port(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UsageError(`${name} must be a port from 1 to 65535, got "${raw}"`);
  return value;
}

export function parseArgs(argv: readonly string[]): ClusterOptions {
  const options: ClusterOptions = { processes: 2, basePort: 3001, nginxPort: 8080, nginx: true, restart: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const at = arg.indexOf('=');
    const [name, inline] = at >= 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--processes') {
      const raw = value();
      options.processes = Number(raw);
      if (!Number.isInteger(options.processes) || options.processes < 1 || options.processes > 32) {
        throw new UsageError(`--processes must be a whole number from 1 to 32, got "${raw}"`);
      }
    } else if (name === '--base-port') options.basePort = port(name, value());
    else if (name === '--port') options.nginxPort = port(name, value());
    else if (name === '--no-nginx') options.nginx = false;
    else if (name === '--no-restart') options.restart = false;
    else throw new UsageError(name === '--help' || name === '-h' ? '' : `unknown argument: ${arg}`);
  }
  const lastPort = options.basePort + options.processes - 1;
  if (lastPort > 65535) throw new UsageError(`--base-port ${options.basePort} leaves no room for ${options.processes} processes`);
  if (options.nginx && options.nginxPort >= options.basePort && options.nginxPort <= lastPort) {
    throw new UsageError(`--port ${options.nginxPort} is one of the processes' ports (${options.basePort}–${lastPort})`);
  }
  return options;
}

/** DATABASE_URL and REDIS_URL, both required: without them the processes would not be one site. */
export function sharedSettings(env: NodeJS.ProcessEnv): SharedSettings {
  const databaseUrl = env.DATABASE_URL?.trim();
  const redisUrl = env.REDIS_URL?.trim();
  const missing: string[] = [];
  if (!databaseUrl) {
    missing.push('DATABASE_URL is not set: every process keeps the same store, which must be PostgreSQL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/chat).');
  }
  if (!redisUrl) {
    missing.push('REDIS_URL is not set: the processes hand each other messages, presence and sign-outs through one Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).');
  }
  if (!databaseUrl || !redisUrl) throw new UsageError(missing.join('\n'));
  return { databaseUrl, redisUrl, redisPrefix: env.REDIS_PREFIX?.trim() || undefined };
}

/** A URL without its credentials, for printing. */
export const withoutPassword = (url: string): string => url.replace(/\/\/([^@/:]*)(:[^@/]*)?@/, (_all, user: string) => (user ? `//${user}@` : '//'));
