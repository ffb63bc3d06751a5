/**
 * `npm run cluster -- --processes 3`: a local cluster for development and demos. N processes of
 * the built server on consecutive ports of 127.0.0.1, all on the PostgreSQL of DATABASE_URL and
 * the Redis of REDIS_URL, and Debian's nginx in front of them with nginx/chat-cluster.conf
 * (generated into a temporary prefix) when nginx is installed. Prints the URL to open.
 *
 * A process that dies is reported and restarted (after 1 s, longer while it keeps dying), as the
 * systemd unit would (docs/deploy/chat@.service); --no-restart leaves it down. nginx dying, or a
 * process that cannot start at all, stops everything. Ctrl-C or SIGTERM stops the processes
 * (SIGTERM: each closes its sockets with 1001 and its store), then nginx. Exit status: 0 after a
 * stop asked for, 1 when something failed, 2 for bad arguments or a missing setting.
 */
import fs from 'node:fs';
import { PRODUCT_MAIN } from '../kit/server.js';
import { parseArgs, sharedSettings, USAGE, UsageError, withoutPassword, type ClusterOptions, type SharedSettings } from './args.js';
import { canConnect, findNginx, startClusterNginx, type ClusterNginx } from './nginx.js';
import { ServerProcess, type Exit, type ProcessReports } from './serverProcess.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const exitText = (exit: Exit) => (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);

function readArguments(): { options: ClusterOptions; shared: SharedSettings } {
  try {
    return { options: parseArgs(process.argv.slice(2)), shared: sharedSettings(process.env) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
}

const reports: ProcessReports = {
  line: (server, line) => process.stderr.write(`[${server.port}] ${line}\n`),
  died: (server, exit, restartInMs) =>
    say(
      `process ${server.number} (port ${server.port}) died (${exitText(exit)}); ` +
        (restartInMs === undefined ? 'left down (--no-restart)' : `restarting in ${restartInMs / 1000} s`),
    ),
  restarted: (server) => say(`process ${server.number} (port ${server.port}) is back (pid ${server.pid})`),
  restartFailed: (server, error) => say(`process ${server.number} (port ${server.port}) did not come back: ${error.message.split('\n')[0]}`),
};

async function main(): Promise<void> {
  const { options, shared } = readArguments();
  if (!fs.existsSync(PRODUCT_MAIN)) {
    process.stderr.write(`${PRODUCT_MAIN} is missing: build first (npm run build; npm run cluster does)\n`);
    process.exit(1);
  }
  const nginxBinary = options.nginx ? findNginx() : undefined;
  const ports = Array.from({ length: options.processes }, (_, i) => options.basePort + i);
  for (const port of ports) {
    if (await canConnect(port)) {
      process.stderr.write(`port ${port} is taken: choose other ports with --base-port\n`);
      process.exit(1);
    }
  }

  // Behind nginx the client's address and scheme come from its X-Forwarded-* headers.
  const proxied = nginxBinary !== undefined && process.env.TRUST_PROXY === undefined ? { TRUST_PROXY: '1' } : {};
  const processes = ports.map(
    (port, i) =>
      new ServerProcess({ number: i + 1, port, env: { ...process.env, ...proxied, PORT: String(port), HOST: '127.0.0.1' }, restart: options.restart, reports }),
  );
  let nginx: ClusterNginx | undefined;
  let stopping = false;
  const stopAll = async (status: number, why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(why);
    // The processes first, so that their sockets hear 1001 through nginx; then nginx.
    await Promise.all(processes.map((server) => server.stop()));
    await nginx?.stop();
    say('stopped');
    process.exit(status);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll(0, `${signal}: stopping the processes${nginxBinary ? ', then nginx' : ''}`));
  }

  const started = await Promise.allSettled(processes.map((server) => server.start()));
  const failed = started.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as Error).message ?? result.reason)] : []));
  if (failed.length > 0) return stopAll(1, `the cluster could not start:\n${failed.join('\n')}`);

  if (nginxBinary) {
    try {
      nginx = await startClusterNginx(nginxBinary, { port: options.nginxPort, appPorts: ports });
    } catch (error) {
      return stopAll(1, `nginx could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    const running = nginx;
    void running.exited.then((exit) => {
      if (!stopping) void stopAll(1, `nginx exited (${exitText(exit)}):\n${running.errorLog()}`);
    });
  }
  if (stopping) return;

  const prefix = shared.redisPrefix === undefined ? '' : `, key prefix ${shared.redisPrefix}`;
  say(`Chat cluster: ${processes.length} processes on PostgreSQL ${withoutPassword(shared.databaseUrl)} and Redis ${withoutPassword(shared.redisUrl)}${prefix}`);
  for (const server of processes) say(`  process ${server.number}: ${server.url} (pid ${server.pid})`);
  if (nginx) {
    say(`  nginx: ${nginx.url} (nginx/chat-cluster.conf; its configuration and logs in ${nginx.prefix}, access.log naming the process of each request)`);
    say(`Open ${nginx.url}`);
  } else {
    say(options.nginx ? '  nginx: not installed (apt-get install nginx-light): no balancer in front' : '  nginx: left out (--no-nginx)');
    say(`Open any process, e.g. ${processes[0]!.url}`);
  }
  say(`Ctrl-C stops everything; a process that dies is ${options.restart ? 'restarted' : 'left down'}.`);
}

await main();
