// The load generator's clients: lean WebSocket clients (benchSocket.ts) that count what they
// receive without parsing it (frameReading.ts reads what each frame is from its bytes).
import { performance } from 'node:perf_hooks';
import { pool, range } from '../kit/wait.js';
import { BenchSocket } from './benchSocket.js';
import { countListUsers, countOf, frameKind, Kind, presenceChange } from './frameReading.js';

/** Filler that makes a benchmark chat about as long as a typical chat line. */
const FILLER = 'the quick brown fox jumps over the lazy dog, twice';

/** A client `chat` frame whose `data` starts with `seq`; the sender's `ref` is the same number. */
export function chatText(seq: number, room = 'lobby'): string {
  return `{"type":"chat","room":"${room}","data":"${seq} ${FILLER}","ref":"${seq}"}`;
}

/**
 * What a scenario does with frames; everything else is only counted. A frame's `data` is only
 * valid during the call (the generator reads every socket into one buffer).
 */
export interface Sink {
  chat?(client: BenchClient, data: Buffer): void;
  /** An `edited`, `reactions` or `deleted` frame. */
  change?(client: BenchClient, data: Buffer): void;
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
    for (const client of this.clients) client.socket.terminate();
  }
}

export interface OpenOptions {
  cookie?: string;
  query?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** One WebSocket connection of the load generator. */
export class BenchClient {
  readonly socket: BenchSocket;
  /** When the opening handshake completed, in performance.now() time (NaN until then). */
  openedAt = NaN;
  frames = 0;
  chats = 0;
  /** `edited`, `reactions` and `deleted` frames. */
  changes = 0;
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
  /** Resolves once the opening handshake has completed (never, if it fails: see whenReady). */
  readonly whenOpen: Promise<void>;

  constructor(
    readonly group: ClientGroup,
    wsUrl: string,
    options: OpenOptions = {},
  ) {
    const url = new URL(wsUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    this.counts = group.clients.length % group.presenceSample === 0;
    group.clients.push(this);
    let opened = () => {};
    this.whenOpen = new Promise<void>((resolve) => (opened = resolve));
    let failed: (error: Error) => void = () => {};
    this.whenReady = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no lobby list in time')), options.readyTimeoutMs ?? 60_000);
      this.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      failed = (error) => {
        clearTimeout(timer);
        reject(error);
      };
    });
    this.socket = new BenchSocket(
      url,
      {
        open: () => {
          this.openedAt = performance.now();
          opened();
        },
        message: (data) => this.receive(data),
        error: (error) => failed(error),
        close: (code, reason) => {
          this.closed = { code, reason };
          failed(new Error(`closed with ${code} ${reason} before the lobby list`));
        },
      },
      {
        handshakeTimeoutMs: options.readyTimeoutMs ?? 60_000,
        ...(options.cookie ? { headers: { cookie: options.cookie } } : {}),
      },
    );
    // Rejections after "ready" have nobody waiting: they are recorded in `closed` instead.
    this.whenReady.catch(() => undefined);
  }

  send(text: string): boolean {
    return this.socket.send(text);
  }

  private receive(data: Buffer): void {
    this.frames++;
    const group = this.group;
    switch (frameKind(data)) {
      case Kind.CHAT:
        this.chats++;
        group.sink.chat?.(this, data);
        return;
      case Kind.CHANGE:
        this.changes++;
        group.sink.change?.(this, data);
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
 * when every one is ready, rejects on the first that fails. `wsUrl` may differ per client (a cluster).
 */
export async function connectAll(
  group: ClientGroup,
  n: number,
  wsUrl: string | ((index: number) => string),
  optionsOf: (index: number) => OpenOptions,
  inFlight: number,
): Promise<void> {
  await pool(range(n), inFlight, async (_, i) => {
    const client = new BenchClient(group, typeof wsUrl === 'string' ? wsUrl : wsUrl(i), optionsOf(i));
    await client.whenReady;
  });
}
