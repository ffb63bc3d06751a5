// The load generator's clients: real `ws` clients that count what they receive without parsing
// it. A frame's type is read from its leading bytes (every server here writes `{"type":"…"` first);
// only a frame in another shape is parsed. A chat's sequence number is read from its `data`.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { pool, range } from '../kit/wait.js';

/** What a frame is, from its first bytes. */
export const Kind = {
  OTHER: 0,
  CHAT: 1,
  LIST: 2,
  JOIN: 3,
  LEFT: 4,
  PRESENCE: 5,
  HISTORY: 6,
  ERROR: 7,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const TYPE_PREFIX = Buffer.from('{"type":"');
const BY_NAME: Record<string, Kind> = {
  chat: Kind.CHAT,
  list: Kind.LIST,
  join: Kind.JOIN,
  left: Kind.LEFT,
  presence: Kind.PRESENCE,
  history: Kind.HISTORY,
  error: Kind.ERROR,
};

export function frameKind(data: Buffer): Kind {
  if (data.length > 11 && data.compare(TYPE_PREFIX, 0, 9, 0, 9) === 0) {
    const second = data[10];
    switch (data[9]) {
      case 0x63: // c
        return second === 0x68 ? Kind.CHAT : Kind.OTHER; // ch…
      case 0x6c: // l
        return second === 0x69 ? Kind.LIST : second === 0x65 ? Kind.LEFT : Kind.OTHER; // li…, le…
      case 0x6a: // j
        return Kind.JOIN;
      case 0x70: // p
        return Kind.PRESENCE;
      case 0x68: // h
        return Kind.HISTORY;
      case 0x65: // e
        return Kind.ERROR;
      default:
        return Kind.OTHER;
    }
  }
  // Another key order: the slow way.
  try {
    const type = (JSON.parse(data.toString('utf8')) as { type?: unknown }).type;
    return typeof type === 'string' ? (BY_NAME[type] ?? Kind.OTHER) : Kind.OTHER;
  } catch {
    return Kind.OTHER;
  }
}

const JOINED_KEY = Buffer.from('"joined":[');
const LEFT_KEY = Buffer.from('"left":[');
const DATA_KEY = Buffer.from('"data":"');
const LIST_DATA_KEY = Buffer.from('"data":[');
const OPEN_BRACE = 0x7b;
/**
 * The shortest user object, `{"id":"a","name":"b","image":0}`, is 31 bytes: after one user's `{`
 * the next `{` is at least 32 bytes further on.
 */
const USER_SKIP = 31;

/**
 * User objects between `from` and `to`: one `{` each, since a user holds no nested object (and the
 * benchmark's names no braces). A plain loop that skips what cannot hold the next one: on the
 * product, newcomers' lists and the presence frames about them each add up to N²/2 users, and this
 * runs over all of them.
 */
export function countUsers(data: Buffer, from: number, to = data.length): number {
  let users = 0;
  for (let i = from; i < to; i++) {
    if (data[i] === OPEN_BRACE) {
      users++;
      i += USER_SKIP - 1;
    }
  }
  return users;
}

/** Users in a `list` frame: the objects after its `"data":[` (the rest of the frame holds none). */
export function countListUsers(data: Buffer): number {
  const at = data.indexOf(LIST_DATA_KEY);
  return at < 0 ? 0 : countUsers(data, at + LIST_DATA_KEY.length);
}

/** A `presence` frame's net change in the number of users: joined minus left. */
export function presenceChange(data: Buffer): number {
  const joined = data.indexOf(JOINED_KEY);
  // From the end: the product writes `left` last, and it is usually short.
  const left = data.lastIndexOf(LEFT_KEY);
  if (joined < 0 && left < 0) return 0;
  if (left < 0) return countUsers(data, joined);
  if (joined < 0) return -countUsers(data, left);
  return joined < left
    ? countUsers(data, joined, left) - countUsers(data, left)
    : countUsers(data, joined) - countUsers(data, left, joined);
}

const COUNT_KEY = Buffer.from(',"count":');
/** `,"count":N}` at the end of a frame is at most this long. */
const COUNT_TAIL = COUNT_KEY.length + 17;

/** The whole number written at `from`; -1 when there is no digit there. */
function numberAt(data: Buffer, from: number): number {
  let n = 0;
  let digits = 0;
  for (let i = from; i < data.length; i++) {
    const c = data[i]!;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    digits++;
  }
  return digits === 0 ? -1 : n;
}

/**
 * The `count` a `list` or `presence` frame ends with (a big room, for a `people=lazy` client), or
 * -1: only the frame's last bytes are looked at, since the product writes `count` last.
 */
export function countOf(data: Buffer): number {
  const at = data.indexOf(COUNT_KEY, Math.max(0, data.length - COUNT_TAIL));
  return at < 0 ? -1 : numberAt(data, at + COUNT_KEY.length);
}

/** The number a benchmark chat's `data` starts with (its sequence number); -1 when there is none. */
export function seqOf(data: Buffer): number {
  const at = data.indexOf(DATA_KEY);
  return at < 0 ? -1 : numberAt(data, at + DATA_KEY.length);
}

/** Filler that makes a benchmark chat about as long as a typical chat line. */
const FILLER = 'the quick brown fox jumps over the lazy dog, twice';

/** A client `chat` frame whose `data` starts with `seq`; the sender's `ref` is the same number. */
export function chatText(seq: number, room = 'lobby'): string {
  return `{"type":"chat","room":"${room}","data":"${seq} ${FILLER}","ref":"${seq}"}`;
}

/** What a scenario does with frames; everything else is only counted. */
export interface Sink {
  chat?(client: BenchClient, data: Buffer): void;
  /** A `history` frame after the greeting (an answer to a `history` request). */
  history?(client: BenchClient, data: Buffer): void;
}

/** The clients of one run, and what is done with their frames. */
export class ClientGroup {
  readonly clients: BenchClient[] = [];
  sink: Sink = {};
  /** Users every client should see in the lobby once presence has settled. */
  expectedUsers = 0;
  /**
   * Every how-many-th client counts the users in its list and presence frames (1: all). Counting
   * reads every byte of those frames, which for thousands of clients is most of the generator's
   * work; a sample keeps the measuring instrument from being what is measured.
   */
  presenceSample = 1;
  /** Error frames, by their text (the first few). */
  readonly errorTexts: string[] = [];
  errors = 0;

  get frames(): number {
    let n = 0;
    for (const client of this.clients) n += client.frames;
    return n;
  }

  /** The clients that count users (see presenceSample). */
  counting(): BenchClient[] {
    return this.clients.filter((client) => client.counts);
  }

  /** Every counting client has seen `expectedUsers` users. */
  presenceSettled(): boolean {
    return this.counting().every((client) => client.seen === this.expectedUsers);
  }

  /** When the last client became ready, in performance.now() time. */
  lastReadyAt(): number {
    return Math.max(...this.clients.map((client) => client.readyAt));
  }

  lastSettledAt(): number {
    return Math.max(...this.counting().map((client) => client.settledAt));
  }

  closeAll(): void {
    for (const client of this.clients) client.ws.terminate();
  }
}

export interface OpenOptions {
  cookie?: string;
  query?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** One WebSocket connection of the load generator. */
export class BenchClient {
  readonly ws: WebSocket;
  frames = 0;
  chats = 0;
  /** Users in the lobby as this client knows it: its list, then join/left/presence. */
  seen = 0;
  ready = false;
  readyAt = 0;
  /** Whether this client counts users (every group.presenceSample-th client does). */
  readonly counts: boolean;
  settledAt = 0;
  closed: { code: number; reason: string } | undefined;
  private onReady: (() => void) | undefined;
  /** Resolves once the lobby `list` has arrived; rejects if the connection ends or times out first. */
  readonly whenReady: Promise<void>;

  constructor(
    readonly group: ClientGroup,
    wsUrl: string,
    options: OpenOptions = {},
  ) {
    const url = new URL(wsUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    this.ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: options.readyTimeoutMs ?? 60_000,
      ...(options.cookie ? { headers: { cookie: options.cookie } } : {}),
    });
    this.counts = group.clients.length % group.presenceSample === 0;
    group.clients.push(this);
    this.whenReady = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no lobby list in time')), options.readyTimeoutMs ?? 60_000);
      this.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.ws.on('message', (data: Buffer) => this.receive(data));
      this.ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        clearTimeout(timer);
        reject(new Error(`closed with ${code} ${reason.toString()} before the lobby list`));
      });
    });
    // Rejections after "ready" have nobody waiting: they are recorded in `closed` instead.
    this.whenReady.catch(() => undefined);
  }

  send(text: string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    return true;
  }

  private receive(data: Buffer): void {
    this.frames++;
    const group = this.group;
    switch (frameKind(data)) {
      case Kind.CHAT:
        this.chats++;
        group.sink.chat?.(this, data);
        return;
      case Kind.LIST:
        if (this.counts) {
          const count = countOf(data);
          this.seen = count >= 0 ? count : countListUsers(data);
          this.noteSeen();
        }
        if (!this.ready) {
          this.ready = true;
          this.readyAt = performance.now();
          this.onReady?.();
          this.onReady = undefined;
        }
        return;
      case Kind.JOIN:
        this.seen++;
        this.noteSeen();
        return;
      case Kind.LEFT:
        this.seen--;
        return;
      case Kind.PRESENCE:
        if (this.counts) {
          const count = countOf(data);
          this.seen = count >= 0 ? count : this.seen + presenceChange(data);
          this.noteSeen();
        }
        return;
      case Kind.HISTORY:
        if (this.ready) group.sink.history?.(this, data);
        return;
      case Kind.ERROR:
        group.errors++;
        if (group.errorTexts.length < 5) group.errorTexts.push(data.toString('utf8').slice(0, 200));
        return;
      default:
        return;
    }
  }

  private noteSeen(): void {
    if (this.settledAt === 0 && this.group.expectedUsers > 0 && this.seen >= this.group.expectedUsers) {
      this.settledAt = performance.now();
    }
  }
}

/**
 * Opens `n` clients with at most `inFlight` handshakes (until the lobby list) at once; resolves
 * when every one is ready, rejects on the first that fails.
 */
export async function connectAll(
  group: ClientGroup,
  n: number,
  wsUrl: string,
  optionsOf: (index: number) => OpenOptions,
  inFlight: number,
): Promise<void> {
  await pool(range(n), inFlight, async (_, i) => {
    const client = new BenchClient(group, wsUrl, optionsOf(i));
    await client.whenReady;
  });
}
