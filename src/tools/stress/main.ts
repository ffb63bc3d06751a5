/**
 * `npm run stress`: attacks a chat server the way the open internet could, each attack bounded in
 * count and time, while two ordinary users chat throughout, and prints what held as a table.
 *
 *   node build/tools/stress/main.js [--quick] [--url http://127.0.0.1:PORT] [--seed N]
 *
 * Without --url it starts its own server (dist/main.js, a temporary DATA_DIR, 127.0.0.1 on an
 * ephemeral port, every setting at its default) and can also kill -9 and restart it. With --url it
 * attacks a server already running on this machine (loopback addresses only). Exit status: 0 when
 * no message was lost and the server never died unexpectedly, 1 otherwise, 2 for bad arguments.
 *
 * Linux: clients come from many 127.x.y.z source addresses (the per-address limits apply to each),
 * and peak server memory is read from /proc/<pid>/status (VmHWM, reset before every attack).
 */
import net from 'node:net';
import type { Attack, Context, Outcome } from './attack.js';
import { ATTACKS } from './attacks/index.js';
import { mb, seconds } from './format.js';
import { memoryOf, resetPeak } from './memory.js';
import { Chatter, Pair } from './pair.js';
import { report, totals, type Row } from './report.js';
import { FULL, QUICK } from './sizes.js';
import { sameSettings, Target } from './target.js';
import { Addresses, signIn } from './users.js';

interface Options {
  quick: boolean;
  url: string | undefined;
  seed: number;
  /** Run only these attacks (names as in the table), for a closer look at one. */
  only: string[] | undefined;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node build/tools/stress/main.js [--quick] [--url http://127.0.0.1:PORT] [--seed N] [--only "attack,attack"]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, url: undefined, seed: 1, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${name} needs a value`);
    if (name === '--quick') options.quick = true;
    else if (name === '--url') options.url = value();
    else if (name === '--seed') options.seed = Number(value());
    else if (name === '--only') options.only = value().split(',').map((item) => item.trim());
    else if (name === '--help' || name === '-h') usage('Attacks a chat server and reports what held.');
    else usage(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(options.seed)) usage('--seed must be a whole number');
  return options;
}

/** Only servers on this machine: the tool never attacks anything else. */
function loopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    usage(`--url: not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:') usage('--url must be http://… (the server itself, not nginx with TLS)');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
  if (!loopback) usage(`refusing to attack ${url.host}: only loopback addresses (127.0.0.0/8, ::1, localhost)`);
  return new URL(url.origin);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A server this tool started gets the attack's settings (restarted with them, or with every default
 * again after an attack that had some) and its preparation (on its data folder, while stopped);
 * the pair reconnects before the attack starts.
 */
async function setUp(context: Context, attack: Attack): Promise<void> {
  const { target, pair } = context;
  if (!target.own) return;
  const settings = attack.settings?.(context) ?? {};
  const prepare = attack.prepare?.(context);
  if (!prepare && sameSettings(settings, target.settings)) return;
  await target.restartWith(settings, prepare);
  if (!(await pair.reconnected(15_000))) throw new Error('the pair did not reconnect after the restart');
}

/** The settings an attack ran with, for its row: ` (KEY=value, …)`, or nothing for the defaults. */
function settingsNote(target: Target): string {
  const entries = Object.entries(target.settings);
  return entries.length ? ` (server with ${entries.map(([key, value]) => `${key}=${value}`).join(', ')})` : '';
}

async function runAttack(context: Context, attack: Attack): Promise<Row> {
  const { target, pair } = context;
  let outcome: Outcome | undefined;
  let failed = false;
  try {
    await setUp(context, attack);
  } catch (error) {
    failed = true;
    outcome = { tried: attack.name, happened: `tool error: could not set the server up: ${messageOf(error)}` };
  }
  const pid = () => target.pid;
  const canReset = resetPeak(pid());
  let sampled = memoryOf(pid()).rss ?? 0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, memoryOf(pid()).rss ?? 0);
  }, 100);
  pair.talk(attack.name);
  if (!outcome) {
    try {
      let timer: NodeJS.Timeout | undefined;
      const limit = context.sizes.attackMs * 2 + 30_000;
      outcome = await Promise.race([
        attack.run(context),
        new Promise<Outcome>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish in ${seconds(limit)}`)), limit);
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (error) {
      failed = true;
      outcome = { tried: attack.name, happened: `tool error: ${messageOf(error)}` };
    }
  }
  pair.quiet();
  await pair.settle(attack.name, context.sizes.settleMs);
  clearInterval(sampler);
  // The high-water mark since the reset (or since a restart), and what the sampler saw (a process killed mid-attack).
  const now = memoryOf(pid());
  const peak = Math.max(sampled, (canReset ? now.hwm : now.rss) ?? 0);
  const { lost, sent, unconfirmed, slowestEchoMs, medianEchoMs } = pair.lost(attack.name);
  const alive = target.alive && (await target.healthy());
  const died = !alive && !failed;
  return {
    attack: attack.name,
    tried: `${outcome.tried}${settingsNote(target)}`,
    happened:
      `${outcome.happened}; pair sent ${sent}, echo median ${medianEchoMs} ms, slowest ${slowestEchoMs} ms` +
      `${unconfirmed ? `, ${unconfirmed} unconfirmed at a disconnect` : ''}${died ? `; SERVER DOWN: ${target.died ?? 'not answering'}` : ''}`,
    lost: lost + (outcome.lost ?? 0),
    memory: peak ? mb(peak) : 'n/a',
    failed: failed || died || outcome.failed === true,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sizes = options.quick ? QUICK : FULL;
  const started = Date.now();
  const target = options.url ? Target.attach(loopbackUrl(options.url)) : await Target.start();
  const cleanUp = () => target.cleanUp();
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  if (!(await target.healthy())) throw new Error(`no chat server answers at ${target.url.origin}`);
  const host = target.url.hostname.replace(/^\[|\]$/g, '');
  const addresses = new Addresses(net.isIPv4(host) && host.startsWith('127.') && process.platform === 'linux');
  process.stdout.write(
    `stress: ${options.quick ? 'quick' : 'full'} run against ${target.url.origin} ` +
      `(${target.own ? `own server, pid ${target.pid}, data ${target.dataDir}` : `pid ${target.pid ?? 'unknown'}`}; ` +
      `${addresses.enabled ? 'clients from many 127.88.x.y addresses' : 'clients from one address'})\n`,
  );

  const pairLocal = addresses.fresh();
  const [pat, quinn] = await Promise.all(['Pat', 'Quinn'].map((name) => signIn(target, name, pairLocal)));
  if (!pat?.account || !quinn?.account) throw new Error('the pair could not sign in');
  const pair = new Pair(new Chatter('Pat', pat.account, () => target), new Chatter('Quinn', quinn.account, () => target));
  await pair.start();
  const away = (await signIn(target, 'Away', addresses.fresh())).account;
  if (!away) throw new Error('could not sign in');
  const context: Context = { target, sizes, addresses, pair, away, seed: options.seed, quick: options.quick, seeded: 0 };

  const rows: Row[] = [];
  const attacks = options.only ? ATTACKS.filter((attack) => options.only?.includes(attack.name)) : ATTACKS;
  if (attacks.length === 0) usage(`--only: no such attack; the attacks are: ${ATTACKS.map((attack) => attack.name).join(', ')}`);
  for (const attack of attacks) {
    process.stdout.write(`  ${attack.name}…`);
    const attackStarted = Date.now();
    const row = await runAttack(context, attack);
    rows.push(row);
    process.stdout.write(` ${seconds(Date.now() - attackStarted)}\n`);
    if (!target.alive) break;
  }
  pair.stop();
  const exitCode = await target.stop();
  const { lost, failed } = totals(rows);
  process.stdout.write(report(rows, pair, target, exitCode, Date.now() - started));
  const ok = lost === 0 && failed.length === 0 && target.died === undefined && (!target.own || exitCode === 0);
  process.stdout.write(ok ? 'PASS\n' : 'FAIL\n');
  // Output to a pipe or file is written synchronously on Linux, so exiting now loses none of it.
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`stress: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
