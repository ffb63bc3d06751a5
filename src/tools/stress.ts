/**
 * `npm run stress`: attacks a chat server the way the open internet could, each attack bounded in
 * count and time, while two ordinary users chat throughout, and prints what held as a table.
 *
 *   node build/tools/stress.js [--quick] [--url http://127.0.0.1:PORT] [--seed N]
 *
 * Without --url it starts its own server (dist/main.js, a temporary DATA_DIR, 127.0.0.1 on an
 * ephemeral port, every setting at its default) and can also kill -9 and restart it. With --url it
 * attacks a server already running on this machine (loopback addresses only). Exit status: 0 when
 * no message was lost and the server never died unexpectedly, 1 otherwise, 2 for bad arguments.
 *
 * Linux: clients come from many 127.x.y.z source addresses (the per-address limits apply to each),
 * and peak server memory is read from /proc/<pid>/status (VmHWM, reset before every attack).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROOT_DIR } from '../paths.js';
import { PRESENCE_BATCH, type ServerMessage } from '../shared/protocol/index.js';
import { Refused, TestClient, type ConnectOptions } from './kit/client.js';
import { request, signInMany as signInManyFrom, trySignIn, type Account } from './kit/http.js';
import { pool, range, sleep, until } from './kit/wait.js';

// --- settings -------------------------------------------------------------------------------

interface Sizes {
  baselineMs: number;
  /** Message flood: one user, this many tabs, each sending this many messages as fast as it can. */
  floodTabs: number;
  floodPerTab: number;
  /** Sign-in flood from one address. */
  signins: number;
  /** Connection burst: distinct users, each one connection. */
  burstUsers: number;
  /** Connections attempted from a single address. */
  addressConnections: number;
  /** Slow readers, and how many bytes of flood at most are thrown at them. */
  slowReaders: number;
  slowFloodBytes: number;
  /** Connections sending an oversized, a binary or a too-long frame. */
  badFrames: number;
  /** Garbage: this many tabs, each sending this many random frames. */
  garbageTabs: number;
  garbagePerTab: number;
  /** Connections opened, 20 at a time, by a user with a big unread backlog. */
  stormConnects: number;
  /** kill -9: users writing at the moment of the kill. */
  crashWriters: number;
  /** How long the pair may take to see everything after an attack. */
  settleMs: number;
  /** Upper bound for each attack. */
  attackMs: number;
}

const FULL: Sizes = {
  baselineMs: 2000,
  floodTabs: 5,
  floodPerTab: 400,
  signins: 300,
  burstUsers: 2000,
  addressConnections: 300,
  slowReaders: 20,
  slowFloodBytes: 24 * 1024 * 1024,
  badFrames: 30,
  garbageTabs: 10,
  garbagePerTab: 300,
  stormConnects: 40,
  crashWriters: 30,
  settleMs: 5000,
  attackMs: 30_000,
};

const QUICK: Sizes = {
  baselineMs: 300,
  floodTabs: 3,
  floodPerTab: 60,
  signins: 80,
  burstUsers: 120,
  addressConnections: 270,
  slowReaders: 3,
  slowFloodBytes: 16 * 1024 * 1024,
  badFrames: 6,
  garbageTabs: 3,
  garbagePerTab: 60,
  stormConnects: 10,
  crashWriters: 6,
  settleMs: 5000,
  attackMs: 15_000,
};

/** The pair sends one message each this often: under the default rate limit (20 in 10 s). */
const PAIR_INTERVAL_MS = 600;
/** Resume from here replays nothing and skips the history: for connections that only write. */
const FAR_FUTURE_ID = 999_999_999_999_999;
/** Sign-ins per source address, under the default SIGNIN_RATE_LIMIT (60 a minute). */
const SIGNINS_PER_ADDRESS = 40;
/** A message as big as the default MAX_MESSAGE_LENGTH (2000 code points) allows: ~8 KB of UTF-8. */
const BIG_TEXT = '🌊'.repeat(1990);
/** Settings the server reads; the tool's own server gets none of them from the environment. */
const SERVER_SETTINGS = /^(PORT|HOST|DATA_DIR|SECRET|ALLOWED_ORIGINS|TRUST_PROXY|HEARTBEAT_MS|HISTORY_LIMIT|MAX_[A-Z_]+|RATE_LIMIT|SIGNIN_RATE_LIMIT|SESSION_DAYS|QUIET)$/;

interface Options {
  quick: boolean;
  url: string | undefined;
  seed: number;
  /** Run only these attacks (names as in the table), for a closer look at one. */
  only: string[] | undefined;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node build/tools/stress.js [--quick] [--url http://127.0.0.1:PORT] [--seed N] [--only "attack,attack"]\n`);
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

// --- small helpers --------------------------------------------------------------------------

function count<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function tally(map: Map<string | number, number>): string {
  if (map.size === 0) return 'none';
  return [...map].map(([key, n]) => `${key}×${n}`).join(' ');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** mulberry32: a small seeded generator, so a run's garbage can be replayed with --seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- the server under attack ----------------------------------------------------------------

interface MemoryStatus {
  hwm?: number;
  rss?: number;
}

function memoryOf(pid: number | undefined): MemoryStatus {
  if (pid === undefined) return {};
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match?.[1] ? Number(match[1]) * 1024 : undefined;
    };
    const hwm = field('VmHWM');
    const rss = field('VmRSS');
    return { ...(hwm === undefined ? {} : { hwm }), ...(rss === undefined ? {} : { rss }) };
  } catch {
    return {};
  }
}

/** Resets the process's peak resident size (Linux: writing 5 to clear_refs); false when not allowed. */
function resetPeak(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The process listening on a local TCP port (Linux, same user), for --url. */
function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      if (parseInt(local.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match?.[1] && inodes.has(match[1])) return Number(pid);
      }
    } catch {
      // Not ours to look at, or gone.
    }
  }
  return undefined;
}

class Target {
  url: URL;
  wsUrl: string;
  pid: number | undefined;
  child: ChildProcess | undefined;
  /** Set when the server went away without being told to. */
  died: string | undefined;
  /** Log events (`slow_reader_dropped`, …) of the server this tool started. */
  readonly events = new Map<string, number>();
  private tail: string[] = [];
  private expectExit = false;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    url: URL,
    readonly own: boolean,
    readonly dataDir: string | undefined,
  ) {
    this.url = url;
    this.wsUrl = `${url.origin.replace(/^http/, 'ws')}/ws/chat`;
  }

  static attach(url: URL): Target {
    const target = new Target(url, false, undefined);
    target.pid = pidListeningOn(Number(url.port || 80));
    return target;
  }

  static async start(): Promise<Target> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-stress-'));
    const target = new Target(new URL('http://127.0.0.1'), true, dataDir);
    await target.spawn(0);
    return target;
  }

  get port(): number {
    return Number(this.url.port);
  }

  get alive(): boolean {
    return this.own ? this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null : this.died === undefined;
  }

  private async spawn(port: number): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!SERVER_SETTINGS.test(key)) env[key] = value;
    Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), DATA_DIR: this.dataDir });
    const child = spawn(process.execPath, [path.join(ROOT_DIR, 'dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.pid = child.pid;
    this.expectExit = false;
    let stdout = '';
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        this.tail = [...this.tail.slice(-20), line];
        try {
          const event = (JSON.parse(line) as { event?: unknown }).event;
          if (typeof event === 'string') count(this.events, event);
        } catch {
          // A plain line ("SIGTERM received…").
        }
      }
    });
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectExit) this.died ??= `exited unexpectedly (code ${code}, signal ${signal}): ${this.tail.slice(-5).join(' / ')}`;
        resolve();
      }),
    );
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${this.tail.join('\n')}`)), 20_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Chat is running at (http:\/\/\S+)/.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void this.exited.then(() => reject(new Error(`server exited at start: ${this.tail.join('\n')}`)));
    });
    this.url = new URL(url);
    this.wsUrl = `${this.url.origin.replace(/^http/, 'ws')}/ws/chat`;
  }

  async kill9(): Promise<void> {
    this.expectExit = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Starts again on the same port and data folder. */
  async restart(): Promise<void> {
    const port = this.port;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.spawn(port);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(200);
      }
    }
  }

  /** SIGTERM; the exit code, or undefined when it had to be killed. */
  async stop(): Promise<number | null | undefined> {
    if (!this.own || !this.child || !this.alive) return undefined;
    this.expectExit = true;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
    return child.signalCode === null ? child.exitCode : undefined;
  }

  /** Whether /healthz answers 200; for --url, a server that stops answering counts as died. */
  async healthy(): Promise<boolean> {
    const result = await request(this.url, 'GET', '/healthz', { timeoutMs: 5000 }).catch(() => undefined);
    const ok = result?.status === 200;
    if (!ok && !this.own) this.died ??= `/healthz did not answer 200 (${result?.status ?? 'no answer'})`;
    return ok;
  }

  cleanUp(): void {
    if (this.child && this.alive) this.child.kill('SIGKILL');
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// --- HTTP and sign-in -----------------------------------------------------------------------

/** Source addresses on the loopback network: each gets its own per-address allowances, as distinct clients would. */
class Addresses {
  private used = 0;
  constructor(readonly enabled: boolean) {}

  fresh(): string | undefined {
    if (!this.enabled) return undefined;
    const n = this.used++;
    return `127.88.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }
}

/** One user's sign-in from a source address: the status, and the account on 200. */
function signIn(target: Target, name: string, local: string | undefined): Promise<{ status: number; account?: Account }> {
  return trySignIn(target.url, name, { timeoutMs: 15_000, ...(local === undefined ? {} : { localAddress: local }) });
}

/** Signs in `n` users, a fresh source address for every few, retrying from another address when refused. */
function signInMany(context: Context, n: number, prefix: string, perAddress = SIGNINS_PER_ADDRESS): Promise<Account[]> {
  const locals = range(Math.ceil(n / perAddress)).map(() => context.addresses.fresh());
  return signInManyFrom(context.target.url, n, prefix, {
    concurrency: 24,
    timeoutMs: 15_000,
    localAddress: (i) => locals[Math.floor(i / perAddress)],
    retryFrom: async () => {
      const local = context.addresses.fresh();
      if (local === undefined) await sleep(1000);
      return local;
    },
  });
}

// --- WebSocket clients ----------------------------------------------------------------------

/** Stress's clients only count, or take messages through `onMessage`: nothing is buffered. */
type Conn = TestClient;

interface OpenOptions extends Pick<ConnectOptions, 'since' | 'onMessage' | 'greeted'> {
  /** Ask for batched `presence` frames, as the page does. */
  batchPresence?: boolean;
  timeoutMs?: number;
}

function connect(target: Target, account: Account, options: OpenOptions = {}): Promise<Conn> {
  const { batchPresence, timeoutMs, ...rest } = options;
  return TestClient.connect(target.wsUrl, {
    ...rest,
    cookie: account.cookie,
    buffer: false,
    skipUTF8Validation: true,
    handshakeTimeoutMs: timeoutMs ?? 15_000,
    ...(batchPresence ? { presence: PRESENCE_BATCH } : {}),
    ...(account.local === undefined ? {} : { localAddress: account.local }),
  });
}

// --- the pair: two ordinary users chatting through everything --------------------------------

interface Sent {
  data: string;
  phase: string;
  generation: number;
  sentAt: number;
  /** Milliseconds from sending to the echo. */
  echoMs?: number;
  id?: number;
  refused?: string;
}

interface Watch {
  join: number;
  left: number;
  list: number;
  leftUsers: Set<string>;
  chatsFrom: Map<string, number>;
}

const newWatch = (): Watch => ({ join: 0, left: 0, list: 0, leftUsers: new Set(), chatsFrom: new Map() });

class Chatter {
  conn: Conn | undefined;
  peer: Chatter | undefined;
  lastSeen = 0;
  generation = 0;
  reconnects = 0;
  readonly sent = new Map<string, Sent>();
  readonly byData = new Map<string, Sent>();
  /** Texts of chats received (live or resumed). */
  readonly received = new Set<string>();
  watch = newWatch();
  private n = 0;
  private running = true;

  constructor(
    readonly name: string,
    readonly account: Account,
    private readonly target: () => Target,
  ) {}

  async start(): Promise<void> {
    await this.open(undefined);
  }

  private async open(since: number | undefined): Promise<void> {
    const generation = ++this.generation;
    const conn = await connect(this.target(), this.account, {
      greeted: true,
      ...(since === undefined ? {} : { since }),
      onMessage: (message) => this.receive(message),
    });
    this.conn = conn;
    void conn.closed.then(() => {
      if (this.running && generation === this.generation) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    this.reconnects++;
    for (let attempt = 0; this.running && attempt < 200; attempt++) {
      await sleep(attempt === 0 ? 50 : 250);
      try {
        await this.open(this.lastSeen);
        return;
      } catch {
        // The server is restarting, or refused: try again.
      }
    }
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'chat': {
        this.lastSeen = Math.max(this.lastSeen, message.id);
        if (message.user.id === this.peer?.account.user.id) this.received.add(message.data);
        count(this.watch.chatsFrom, message.user.id);
        if (message.user.id !== this.account.user.id) return;
        // Our own: the echo (with ref), or a resumed copy of one whose echo the crash ate.
        const sent = message.ref !== undefined ? this.sent.get(message.ref) : this.byData.get(message.data);
        if (sent && sent.id === undefined) {
          sent.id = message.id;
          if (message.ref !== undefined) sent.echoMs = Date.now() - sent.sentAt;
        }
        return;
      }
      case 'dm':
        this.lastSeen = Math.max(this.lastSeen, message.id);
        return;
      case 'error':
        if (message.ref !== undefined) {
          const sent = this.sent.get(message.ref);
          if (sent) sent.refused = message.data.code;
        }
        return;
      case 'join':
        this.watch.join++;
        return;
      case 'left':
        this.watch.left++;
        this.watch.leftUsers.add(message.user.id);
        return;
      case 'list':
        this.watch.list++;
        return;
      default:
        return;
    }
  }

  say(phase: string): void {
    if (!this.conn?.isOpen) return;
    const ref = `${this.name}-${this.n++}`;
    const sent: Sent = { data: `${ref}: hello from ${this.name} during ${phase}`, phase, generation: this.generation, sentAt: Date.now() };
    this.sent.set(ref, sent);
    this.byData.set(sent.data, sent);
    this.conn.send({ type: 'chat', room: 'lobby', data: sent.data, ref });
  }

  /** Whether a message is settled: refused, or accepted and seen by the peer, or lost with its connection. */
  settled(sent: Sent): boolean {
    if (sent.refused !== undefined) return true;
    if (sent.id !== undefined) return this.peer?.received.has(sent.data) ?? true;
    return sent.generation !== this.generation;
  }

  stop(): void {
    this.running = false;
    this.conn?.terminate();
  }
}

class Pair {
  phase = 'setup';
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly a: Chatter, readonly b: Chatter) {
    a.peer = b;
    b.peer = a;
  }

  get members(): Chatter[] {
    return [this.a, this.b];
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map((member) => member.start()));
  }

  /** Chat during a phase: each member every PAIR_INTERVAL_MS, the two half an interval apart. */
  talk(phase: string): void {
    this.phase = phase;
    for (const member of this.members) member.watch = newWatch();
    this.quiet();
    let tick = 0;
    const step = () => {
      (tick++ % 2 === 0 ? this.a : this.b).say(this.phase);
    };
    step();
    this.timer = setInterval(step, PAIR_INTERVAL_MS / 2);
  }

  quiet(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits until every message of the phase is settled. */
  async settle(phase: string, timeoutMs: number): Promise<void> {
    const mine = () => this.members.flatMap((member) => [...member.sent.values()].filter((sent) => sent.phase === phase).map((sent) => ({ member, sent })));
    await until(() => mine().every(({ member, sent }) => member.settled(sent)), timeoutMs, 50);
  }

  /**
   * Lost in a phase: accepted (echoed, or found stored after a crash) but never seen by the other
   * member, or never answered at all on a connection that stayed up.
   */
  lost(phase: string): { lost: number; sent: number; unconfirmed: number; slowestEchoMs: number } {
    let lost = 0;
    let sent = 0;
    let unconfirmed = 0;
    let slowestEchoMs = 0;
    for (const member of this.members) {
      for (const message of member.sent.values()) {
        if (message.phase !== phase) continue;
        sent++;
        slowestEchoMs = Math.max(slowestEchoMs, message.echoMs ?? 0);
        if (message.refused !== undefined) continue;
        if (message.id !== undefined) {
          if (!member.peer?.received.has(message.data)) lost++;
        } else if (message.generation === member.generation) {
          lost++;
        } else {
          unconfirmed++;
        }
      }
    }
    return { lost, sent, unconfirmed, slowestEchoMs };
  }

  stop(): void {
    this.quiet();
    for (const member of this.members) member.stop();
  }
}

// --- attacks --------------------------------------------------------------------------------

interface Context {
  target: Target;
  sizes: Sizes;
  addresses: Addresses;
  pair: Pair;
  /** A user who signed in at the start and then stayed away: everything since is unread for them. */
  away: Account;
  seed: number;
  quick: boolean;
}

interface Outcome {
  tried: string;
  happened: string;
  /** Messages lost beyond what the pair measures (e.g. echoed but missing from the store after a crash). */
  lost?: number;
  /** Something that must hold did not (an integrity check, ids going backwards). */
  failed?: boolean;
}

interface Row {
  attack: string;
  tried: string;
  happened: string;
  lost: number;
  memory: string;
  failed: boolean;
}

type Attack = { name: string; run: (context: Context) => Promise<Outcome> };

async function baseline(context: Context): Promise<Outcome> {
  await sleep(context.sizes.baselineMs);
  return { tried: `the pair alone for ${seconds(context.sizes.baselineMs)}`, happened: 'nothing else' };
}

async function messageFlood(context: Context): Promise<Outcome> {
  const { floodTabs, floodPerTab } = context.sizes;
  const [flooder] = await signInMany(context, 1, 'flooder');
  if (!flooder) throw new Error('no flooder');
  let accepted = 0;
  let limited = 0;
  let answered = 0;
  const otherErrors = new Map<string, number>();
  const onMessage = (message: ServerMessage) => {
    if (message.type === 'chat' && message.ref !== undefined) {
      accepted++;
      answered++;
    } else if (message.type === 'error') {
      answered++;
      if (message.data.code === 'rate_limited') limited++;
      else count(otherErrors, message.data.code);
    }
  };
  const tabs = await Promise.all(range(floodTabs).map(() => connect(context.target, flooder, { greeted: true, onMessage })));
  const closes = new Map<string | number, number>();
  for (const tab of tabs) void tab.closed.then((closed) => count(closes, closed.code));
  const total = floodTabs * floodPerTab;
  for (let i = 0; i < floodPerTab; i++) {
    tabs.forEach((tab, t) => tab.send({ type: 'chat', room: 'lobby', data: `flood ${t}.${i}`, ref: `f${t}.${i}` }));
  }
  await until(() => tabs.every((tab) => !tab.isOpen) || answered >= total, context.sizes.attackMs / 2);
  await sleep(300);
  const seen = context.pair.a.watch.chatsFrom.get(flooder.user.id) ?? 0;
  const closed1008 = closes.get(1008) ?? 0;
  for (const tab of tabs) tab.terminate();
  return {
    tried: `${total} chats from 1 user in ${floodTabs} tabs, all at once`,
    happened:
      `${accepted} accepted, ${limited} rate_limited, ${closed1008}/${floodTabs} tabs closed 1008` +
      `${otherErrors.size ? `, other errors ${tally(otherErrors)}` : ''}; the pair saw ${seen} of them`,
  };
}

async function signinFlood(context: Context): Promise<Outcome> {
  const n = context.sizes.signins;
  const local = context.addresses.fresh();
  const statuses = new Map<string | number, number>();
  let retryAfter = '';
  const started = Date.now();
  await pool(range(n), 25, async (i) => {
    const answer = await request(context.target.url, 'POST', '/signin', {
      body: { name: `spam ${i}` },
      timeoutMs: 15_000,
      ...(local === undefined ? {} : { localAddress: local }),
    }).catch((error: Error) => ({
      status: error.message,
      headers: {} as http.IncomingHttpHeaders,
      body: '',
    }));
    count(statuses, answer.status);
    const header = answer.headers['retry-after'];
    if (typeof header === 'string') retryAfter = header;
  });
  return {
    tried: `${n} sign-ins from one address`,
    happened:
      `${statuses.get(200) ?? 0} signed in, ${statuses.get(429) ?? 0} refused 429${retryAfter ? ` (Retry-After ${retryAfter} s)` : ''}` +
      `${[...statuses.keys()].some((s) => s !== 200 && s !== 429) ? `; ${tally(statuses)}` : ''} in ${seconds(Date.now() - started)}`,
  };
}

async function connectionBurst(context: Context): Promise<Outcome> {
  const n = context.sizes.burstUsers;
  const accounts = await signInMany(context, n, 'burst');
  const watch = (context.pair.a.watch = newWatch());
  const refused = new Map<string | number, number>();
  const conns: Conn[] = [];
  const started = Date.now();
  await pool(accounts, 256, async (account) => {
    try {
      // Newcomers connect as the page does; the watcher stays a plain client that counts joins.
      conns.push(await connect(context.target, account, { batchPresence: true }));
    } catch (error) {
      count(refused, error instanceof Refused ? error.status : String(error));
    }
  });
  const openMs = Date.now() - started;
  await until(() => watch.join >= conns.length, context.sizes.attackMs / 3);
  const announcedMs = Date.now() - started;
  await sleep(200);
  const bytes = conns.reduce((sum, conn) => sum + conn.bytes, 0);
  const frames = conns.reduce((sum, conn) => sum + conn.frames, 0);
  const { join, list } = watch;
  for (const conn of conns) conn.terminate();
  await until(() => watch.left >= conns.length, context.sizes.attackMs / 3);
  return {
    tried: `${n} users connecting at once (${Math.ceil(n / SIGNINS_PER_ADDRESS)} addresses)`,
    happened:
      `${conns.length} open in ${seconds(openMs)}, all announced in ${seconds(announcedMs)}` +
      `${refused.size ? ` (refused: ${tally(refused)})` : ''}; a watcher got ${join} join, ${list} list, ${watch.left} left` +
      `; the newcomers got ${(frames / 1e6).toFixed(frames < 1e6 ? 2 : 1)} M frames, ${mb(bytes)}`,
  };
}

async function addressFlood(context: Context): Promise<Outcome> {
  const n = context.sizes.addressConnections;
  const local = context.addresses.fresh();
  // Few users (each under the per-user cap), all from one address.
  const users = await signInMany(context, Math.ceil(n / 15), 'one-address', SIGNINS_PER_ADDRESS);
  const conns: Conn[] = [];
  const refused = new Map<string | number, number>();
  const closed = new Map<string | number, number>();
  const started = Date.now();
  await pool(range(n), 64, async (i) => {
    const account = users[i % users.length] as Account;
    try {
      const conn = await connect(context.target, { ...account, local });
      conns.push(conn);
      void conn.closed.then((c) => count(closed, c.code));
    } catch (error) {
      count(refused, error instanceof Refused ? error.status : String(error));
    }
  });
  const ms = Date.now() - started;
  await sleep(200);
  const stillOpen = conns.filter((conn) => conn.isOpen).length;
  for (const conn of conns) conn.terminate();
  return {
    tried: `${n} connections from one address (${users.length} users)`,
    happened: `${stillOpen} open, refused: ${tally(refused)}${closed.size ? `, closed: ${tally(closed)}` : ''} in ${seconds(ms)}`,
  };
}

async function slowReaders(context: Context): Promise<Outcome> {
  const { slowReaders: n, slowFloodBytes } = context.sizes;
  const frame = Buffer.byteLength(BIG_TEXT) + 200;
  const budget = Math.ceil(slowFloodBytes / frame);
  const perFlooder = 20;
  const slowAccounts = await signInMany(context, n, 'slow');
  // Flooders sign in just before they flood, as a botnet would, so none of them has a backlog to count.
  let flooderLocal: string | undefined;
  let flooderCount = 0;
  const nextFlooder = async (): Promise<Account | undefined> => {
    const i = flooderCount++;
    if (i % SIGNINS_PER_ADDRESS === 0) flooderLocal = context.addresses.fresh();
    return (await signIn(context.target, `big-flooder ${i}`, flooderLocal).catch(() => undefined))?.account;
  };
  const slow = await Promise.all(slowAccounts.map((account) => connect(context.target, account, { greeted: true })));
  const slowIds = new Set(slowAccounts.map((account) => account.user.id));
  for (const conn of slow) conn.stopReading();
  const watch = (context.pair.a.watch = newWatch());
  const dropped = () => [...watch.leftUsers].filter((id) => slowIds.has(id)).length;
  const droppedBefore = context.target.events.get('slow_reader_dropped') ?? 0;

  let messages = 0;
  let accepted = 0;
  let refused = 0;
  const deadline = Date.now() + context.sizes.attackMs;
  const started = Date.now();
  await pool(range(4), 4, async () => {
    while (dropped() < n && messages < budget && Date.now() < deadline) {
      const account = await nextFlooder();
      if (!account) break;
      let answers = 0;
      const conn = await connect(context.target, account, {
        since: FAR_FUTURE_ID,
        greeted: true,
        onMessage: (message) => {
          if (message.type === 'chat' && message.ref !== undefined) {
            answers++;
            accepted++;
          } else if (message.type === 'error' && message.ref !== undefined) {
            answers++;
            refused++;
          }
        },
      }).catch(() => undefined);
      if (!conn) continue;
      const mine = Math.min(perFlooder, budget - messages);
      for (let i = 0; i < mine; i++) conn.send({ type: 'chat', room: 'lobby', data: `${messages++} ${BIG_TEXT}`, ref: `b${i}` });
      await until(() => answers >= mine || !conn.isOpen, 10_000, 5);
      conn.terminate();
    }
  });
  await until(() => dropped() >= n, 3000);
  const ms = Date.now() - started;
  const logged = (context.target.events.get('slow_reader_dropped') ?? 0) - droppedBefore;
  for (const conn of slow) conn.terminate();
  return {
    tried: `${n} clients that stop reading, vs a flood of up to ${mb(budget * frame)}`,
    happened:
      `${dropped()}/${n} dropped by the server${context.target.own ? ` (slow_reader_dropped ×${logged})` : ''} after ${accepted} big messages ` +
      `(${mb(accepted * frame)}, ${seconds(ms)})${refused ? `, ${refused} refused` : ''}`,
  };
}

/**
 * A user who has been away has everything since unread; every connect counts it (and its
 * mentions) for the `unread` greeting. Opening many connections makes the server do that again
 * and again: this measures what one connect costs, and what the others feel meanwhile.
 */
async function reconnectStorm(context: Context): Promise<Outcome> {
  const n = context.sizes.stormConnects;
  const greetings: number[] = [];
  let failures = 0;
  let unread = 0;
  const started = Date.now();
  for (let round = 0; round * 20 < n; round++) {
    const conns = await Promise.all(
      range(Math.min(20, n - round * 20)).map(async () => {
        const began = Date.now();
        try {
          const conn = await connect(context.target, context.away, {
            greeted: true,
            since: FAR_FUTURE_ID,
            onMessage: (message) => {
              if (message.type === 'unread') unread = message.data.reduce((sum, entry) => sum + entry.count, 0);
            },
          });
          greetings.push(Date.now() - began);
          return conn;
        } catch {
          failures++;
          return undefined;
        }
      }),
    );
    for (const conn of conns) conn?.terminate();
    await sleep(100);
  }
  greetings.sort((a, b) => a - b);
  const median = greetings[Math.floor(greetings.length / 2)] ?? 0;
  return {
    tried: `${n} connections, 20 at a time, by a user with everything since the start unread`,
    happened:
      `${unread} unread counted per connect; greeting median ${median} ms, max ${greetings.at(-1) ?? 0} ms; ` +
      `${failures} failed; ${seconds(Date.now() - started)} in all`,
  };
}

async function badFrames(context: Context): Promise<Outcome> {
  const n = context.sizes.badFrames;
  const users = await signInMany(context, Math.ceil(n / 10), 'bad-frames');
  const kinds = ['oversized', 'binary', 'too long'] as const;
  const results = new Map<string, Map<string | number, number>>(kinds.map((kind) => [kind, new Map()]));
  await pool(range(n), 16, async (i) => {
    const kind = kinds[i % kinds.length] as (typeof kinds)[number];
    const outcomes = results.get(kind) as Map<string | number, number>;
    let error: string | undefined;
    let answered: () => void = () => {};
    const answer = new Promise<void>((resolve) => (answered = resolve));
    const conn = await connect(context.target, users[i % users.length] as Account, {
      greeted: true,
      onMessage: (message) => {
        if (message.type !== 'error') return;
        error = message.data.code;
        answered();
      },
    }).catch(() => undefined);
    if (!conn) return count(outcomes, 'not connected');
    if (kind === 'oversized') conn.socket.send('x'.repeat(1024 * 1024));
    else if (kind === 'binary') conn.socket.send(Buffer.from([1, 2, 3, 4]), { binary: true });
    else conn.send({ type: 'chat', room: 'lobby', data: 'y'.repeat(10_000), ref: 'long' });
    const result = await Promise.race([
      conn.closed.then((closed) => `closed ${closed.code}`),
      // An error answer, and the connection still open a moment later.
      answer.then(() => sleep(200)).then(() => (conn.isOpen ? `${error}, stayed open` : `${error}, then closed`)),
      sleep(5000).then(() => 'no answer'),
    ]);
    count(outcomes, result);
    conn.terminate();
  });
  return {
    tried: `${n} connections: 1 MiB text frame, binary frame, 10,000-character message`,
    happened: kinds.map((kind) => `${kind}: ${tally(results.get(kind) as Map<string | number, number>)}`).join('; '),
  };
}

/** One random frame: mostly malformed protocol messages, some plain text (a lobby chat), some not UTF-8 at all. */
function garbageFrame(next: () => number): string | Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const randomString = (max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => String.fromCharCode(Math.floor(next() * (next() < 0.8 ? 128 : 0xffff)))).join('');
  const value = (depth = 0): unknown =>
    pick<() => unknown>([
      () => null,
      () => next() < 0.5,
      () => Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1),
      () => next() * 1e308,
      () => randomString(40),
      () => (depth < 3 ? range(Math.floor(next() * 4)).map(() => value(depth + 1)) : []),
      () => (depth < 3 ? { [randomString(8)]: value(depth + 1) } : {}),
    ])();
  const types = ['chat', 'dm', 'join', 'leave', 'history', 'typing', 'read', 'CHAT', '', '__proto__', 'constructor', randomString(10)];
  const fields = ['data', 'room', 'to', 'ref', 'before', 'limit', 'since', 'with', 'id', '__proto__', 'constructor'];
  switch (Math.floor(next() * 10)) {
    case 0:
      return randomString(200); // not JSON: taken as a lobby chat, so it meets the rate limit
    case 1:
      return Buffer.from(range(1 + Math.floor(next() * 30)).map(() => 0x80 + Math.floor(next() * 0x80))); // not UTF-8
    case 2:
      return `${'['.repeat(1000 + Math.floor(next() * 20_000))}${next() < 0.5 ? ']'.repeat(100) : ''}`;
    case 3:
      return JSON.stringify(value());
    case 4:
      return '{"type":"chat","__proto__":{"room":"admin"},"data":"x"}';
    default: {
      const message: Record<string, unknown> = { type: pick(types) };
      for (let i = Math.floor(next() * 4); i > 0; i--) message[pick(fields)] = value();
      return JSON.stringify(message);
    }
  }
}

async function garbage(context: Context): Promise<Outcome> {
  const { garbageTabs, garbagePerTab } = context.sizes;
  const accounts = await signInMany(context, garbageTabs, 'garbage');
  const errors = new Map<string | number, number>();
  const closes = new Map<string | number, number>();
  let sent = 0;
  let reconnects = 0;
  const deadline = Date.now() + context.sizes.attackMs;
  await Promise.all(
    accounts.map(async (account, t) => {
      const next = random(context.seed * 1000 + t);
      let conn: Conn | undefined;
      for (let i = 0; i < garbagePerTab && Date.now() < deadline; i++) {
        if (!conn?.isOpen) {
          if (conn) reconnects++;
          conn = await connect(context.target, account, {
            greeted: true,
            onMessage: (message) => {
              if (message.type === 'error') count(errors, message.data.code);
            },
          }).catch(() => undefined);
          if (!conn) {
            await sleep(100);
            continue;
          }
          void conn.closed.then((closed) => count(closes, closed.code));
        }
        const frame = garbageFrame(next);
        if (typeof frame === 'string') conn.socket.send(frame);
        else conn.socket.send(frame, { binary: false });
        sent++;
        // Now and then wait for the server to catch up, as a client reading its answers would.
        if (i % 20 === 19) await sleep(10);
      }
      await sleep(300);
      conn?.terminate();
    }),
  );
  const healthy = await context.target.healthy();
  return {
    tried: `${sent} random frames from ${garbageTabs} tabs (seed ${context.seed})`,
    happened: `errors ${tally(errors)}; closes ${tally(closes)}; ${reconnects} reconnects; /healthz ${healthy ? 'ok' : 'FAILED'}`,
  };
}

async function killAndRestart(context: Context): Promise<Outcome> {
  const { target, pair } = context;
  if (!target.own || !target.dataDir) {
    return { tried: 'kill -9 and restart', happened: 'skipped: only for a server this tool started' };
  }
  const writers = await signInMany(context, context.sizes.crashWriters, 'writer');
  const acked = new Map<string, { id?: number; data: string }>();
  const onMessage = (message: ServerMessage) => {
    if (message.type === 'chat' && message.ref !== undefined) {
      const entry = acked.get(message.ref);
      if (entry) entry.id = message.id;
    }
  };
  const conns = await Promise.all(writers.map((account) => connect(target, account, { greeted: true, since: FAR_FUTURE_ID, onMessage })));
  // Each writer sends one message every 40 ms (20 at most: the rate limit), and the kill lands in the middle.
  let stop = false;
  const writing = conns.map(async (conn, w) => {
    for (let i = 0; i < 20 && !stop; i++) {
      const ref = `w${w}.${i}`;
      acked.set(ref, { data: `crash writer ${w} message ${i}` });
      conn.send({ type: 'chat', room: 'lobby', data: `crash writer ${w} message ${i}`, ref });
      await sleep(40);
    }
  });
  await sleep(400);
  await target.kill9();
  stop = true;
  await Promise.all(writing);
  const inFlight = [...acked.values()].filter((entry) => entry.id === undefined).length;
  const restartStarted = Date.now();
  await target.restart();
  const restartMs = Date.now() - restartStarted;

  // The store after the crash: intact, and holding every message whose echo went out.
  const db = new Database(path.join(target.dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
  let integrity: unknown;
  let missing = 0;
  let echoed = 0;
  let maxId = 0;
  try {
    integrity = db.pragma('integrity_check', { simple: true });
    const byId = db.prepare<[number], { data: string }>('SELECT data FROM messages WHERE id = ?');
    const expected = [
      ...[...acked.values()].filter((entry) => entry.id !== undefined),
      ...pair.members.flatMap((member) => [...member.sent.values()].filter((sent) => sent.id !== undefined)),
    ] as { id: number; data: string }[];
    for (const entry of expected) {
      echoed++;
      if (byId.get(entry.id)?.data !== entry.data) missing++;
    }
    maxId = (db.prepare('SELECT max(id) AS id FROM messages').get() as { id: number | null }).id ?? 0;
  } finally {
    db.close();
  }
  // Ids go on increasing after the restart.
  const [writer] = writers;
  let freshId = 0;
  if (writer) {
    const conn = await connect(target, writer, {
      greeted: true,
      since: FAR_FUTURE_ID,
      onMessage: (message) => {
        if (message.type === 'chat' && message.ref === 'after') freshId = message.id;
      },
    });
    conn.send({ type: 'chat', room: 'lobby', data: 'after the restart', ref: 'after' });
    await until(() => freshId > 0, 5000);
    conn.terminate();
  }
  const idsOk = freshId > maxId;
  return {
    tried: `kill -9 with ${context.sizes.crashWriters} users writing, restart on the same data`,
    happened:
      `killed with ${inFlight} unanswered; back in ${seconds(restartMs)}; integrity_check ${String(integrity)}; ` +
      `${echoed - missing}/${echoed} echoed messages in the store; next id ${freshId} ${idsOk ? '>' : 'NOT >'} ${maxId}; ` +
      `the pair resumed`,
    lost: missing,
    failed: integrity !== 'ok' || !idsOk,
  };
}

const ATTACKS: Attack[] = [
  { name: 'baseline', run: baseline },
  { name: 'message flood', run: messageFlood },
  { name: 'sign-in flood', run: signinFlood },
  { name: 'connection burst', run: connectionBurst },
  { name: 'one-address connections', run: addressFlood },
  { name: 'slow readers', run: slowReaders },
  { name: 'reconnect storm', run: reconnectStorm },
  { name: 'oversized/binary frames', run: badFrames },
  { name: 'garbage frames', run: garbage },
  { name: 'kill -9 + restart', run: killAndRestart },
];

// --- running and reporting ------------------------------------------------------------------

async function runAttack(context: Context, attack: Attack): Promise<Row> {
  const { target, pair } = context;
  const pid = () => target.pid;
  const canReset = resetPeak(pid());
  let sampled = memoryOf(pid()).rss ?? 0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, memoryOf(pid()).rss ?? 0);
  }, 100);
  pair.talk(attack.name);
  let outcome: Outcome;
  let failed = false;
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
    outcome = { tried: attack.name, happened: `tool error: ${error instanceof Error ? error.message : String(error)}` };
  }
  pair.quiet();
  await pair.settle(attack.name, context.sizes.settleMs);
  clearInterval(sampler);
  // The high-water mark since the reset (or since a restart), and what the sampler saw (a process killed mid-attack).
  const now = memoryOf(pid());
  const peak = Math.max(sampled, (canReset ? now.hwm : now.rss) ?? 0);
  const { lost, sent, unconfirmed, slowestEchoMs } = pair.lost(attack.name);
  const alive = target.alive && (await target.healthy());
  const died = !alive && !failed;
  return {
    attack: attack.name,
    tried: outcome.tried,
    happened: `${outcome.happened}; pair sent ${sent}, slowest echo ${slowestEchoMs} ms${unconfirmed ? `, ${unconfirmed} unconfirmed at a disconnect` : ''}${died ? `; SERVER DOWN: ${target.died ?? 'not answering'}` : ''}`,
    lost: lost + (outcome.lost ?? 0),
    memory: peak ? mb(peak) : 'n/a',
    failed: failed || died || outcome.failed === true,
  };
}

function table(rows: Row[]): string {
  const header = ['attack', 'tried', 'what happened', 'messages lost', 'peak server memory'];
  const cells = rows.map((row) => [row.attack, row.tried, row.happened, String(row.lost), row.memory]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)));
  const line = (cell: string[]) => cell.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...cells.map(line)].join('\n');
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
  const context: Context = { target, sizes, addresses, pair, away, seed: options.seed, quick: options.quick };

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
  const lost = rows.reduce((sum, row) => sum + row.lost, 0);
  const failed = rows.filter((row) => row.failed).map((row) => row.attack);

  process.stdout.write(`\n${table(rows)}\n\n`);
  const reconnects = pair.members.map((member) => `${member.name} ${member.reconnects}`).join(', ');
  process.stdout.write(`pair reconnects: ${reconnects}\n`);
  if (target.own) {
    process.stdout.write(`server log events: ${tally(target.events)}\n`);
    process.stdout.write(`server stopped with SIGTERM: exit ${exitCode ?? 'killed'}\n`);
  }
  process.stdout.write(`total ${seconds(Date.now() - started)}; messages lost ${lost}${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}\n`);
  const ok = lost === 0 && failed.length === 0 && target.died === undefined && (!target.own || exitCode === 0);
  process.stdout.write(ok ? 'PASS\n' : 'FAIL\n');
  // Output to a pipe or file is written synchronously on Linux, so exiting now loses none of it.
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`stress: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
