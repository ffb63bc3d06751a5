// The WebSocket client of the tests and the stress run: a real `ws` client that buffers what the
// server sends (to wait for the next message that matches, or see that none arrives), or, for
// the thousands of clients of an attack, only counts frames and bytes and hands messages on.
import type net from 'node:net';
import WebSocket from 'ws';
import {
  PEOPLE_PARAM,
  PRESENCE_PARAM,
  ROOMS_PARAM,
  SINCE_PARAM,
  CHANGES_PARAM,
  COUNTS_PARAM,
  type COUNTS_LIVE,
  type PEOPLE_LAZY,
  type PRESENCE_BATCH,
  type ROOMS_CHANGES,
  type ServerMessage,
} from '../../shared/protocol/index.js';

export interface Closed {
  code: number;
  reason: string;
}

type Predicate = (message: ServerMessage) => boolean;

export interface ConnectOptions {
  cookie?: string;
  /** Resume: replay what came after this message id. */
  since?: number;
  /** With `since`: also every change after this number to older messages. */
  changes?: number;
  origin?: string;
  /** Another path than the server's `/ws/chat`. */
  path?: string;
  /** `?presence=batch`: batched `presence` frames, as the page asks. */
  presence?: typeof PRESENCE_BATCH;
  /** `?people=lazy`: counts instead of full lists in big rooms, as the page asks. */
  people?: typeof PEOPLE_LAZY;
  /** `?rooms=changes`: a new room as the change, not the whole list, as the page asks. */
  rooms?: typeof ROOMS_CHANGES;
  /** `?counts=live`: coalesced head-counts of public rooms, as the page asks. */
  counts?: typeof COUNTS_LIVE;
  /** The source address (127.x.y.z: each its own per-address allowances). */
  localAddress?: string;
  /** Give up the handshake after this long; ws's default (none) when left out. */
  handshakeTimeoutMs?: number;
  /** Resolve only once the greeting is over (the lobby `list`, which is then consumed). */
  greeted?: boolean;
  /** With `greeted`: give up waiting for the lobby list after this long; no limit when left out. */
  greetTimeoutMs?: number;
  /**
   * Keep every message for `next`, `received` and `pending` (the default). Off for clients that
   * only count, or take messages through `onMessage`: a message is then parsed only when needed.
   */
  buffer?: boolean;
  /** Every message, parsed, as it arrives. */
  onMessage?: (message: ServerMessage) => void;
  /** Take the server's text frames without checking their UTF-8 (cheaper, for many clients). */
  skipUTF8Validation?: boolean;
}

/** The server would not have this client: the HTTP status of a refused upgrade, a socket error's code, or `closed <code>`. */
export class Refused extends Error {
  constructor(
    readonly status: number | string,
    message = `refused: ${status}`,
  ) {
    super(message);
  }
}

let settles = 0;

const isLobbyList: Predicate = (m) => m.type === 'list' && m.room === 'lobby';

export class TestClient {
  /** Every message received, in order (when buffering). */
  readonly received: ServerMessage[] = [];
  /** Frames and bytes received. */
  frames = 0;
  bytes = 0;
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  private unread: ServerMessage[] = [];
  private waiters: { predicate: Predicate; resolve: (m: ServerMessage) => void }[] = [];
  private greet: (() => void) | undefined;

  private constructor(
    readonly socket: WebSocket,
    private readonly options: ConnectOptions,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.on('error', (error) => reject(new Refused((error as NodeJS.ErrnoException).code ?? error.message, error.message)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new Refused(response.statusCode ?? 0, `Unexpected server response: ${response.statusCode}`));
        response.resume();
        socket.terminate();
      });
      void this.closed.then((closed) => reject(new Refused(`closed ${closed.code}`)));
    });
    socket.on('message', (data: Buffer) => this.receive(data));
  }

  static async connect(wsUrl: string, options: ConnectOptions = {}): Promise<TestClient> {
    const url = new URL(wsUrl);
    if (options.path) url.pathname = options.path;
    if (options.since !== undefined) url.searchParams.set(SINCE_PARAM, String(options.since));
    if (options.changes !== undefined) url.searchParams.set(CHANGES_PARAM, String(options.changes));
    if (options.presence) url.searchParams.set(PRESENCE_PARAM, options.presence);
    if (options.people) url.searchParams.set(PEOPLE_PARAM, options.people);
    if (options.rooms) url.searchParams.set(ROOMS_PARAM, options.rooms);
    if (options.counts) url.searchParams.set(COUNTS_PARAM, options.counts);
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const socket = new WebSocket(url, {
      headers,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: options.handshakeTimeoutMs }),
      ...(options.skipUTF8Validation ? { skipUTF8Validation: true } : {}),
    });
    const client = new TestClient(socket, options);
    await Promise.all([client.opened, options.greeted ? client.greeting(options.greetTimeoutMs) : undefined]);
    return client;
  }

  /** Connects and waits for the greeting (history or resume, then the lobby list). */
  static ready(wsUrl: string, cookie: string, since?: number, presence?: typeof PRESENCE_BATCH): Promise<TestClient> {
    return TestClient.connect(wsUrl, {
      cookie,
      ...(since === undefined ? {} : { since }),
      ...(presence === undefined ? {} : { presence }),
      greeted: true,
      greetTimeoutMs: 3000,
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  private get buffering(): boolean {
    return this.options.buffer !== false;
  }

  /** Resolves on the lobby list; rejects when the connection closes or the time is up first. */
  private greeting(timeoutMs: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => reject(new Error(`no lobby list in ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-10))}`)), timeoutMs);
      this.greet = () => {
        clearTimeout(timer);
        this.greet = undefined;
        resolve();
      };
      void this.closed.then((closed) => {
        clearTimeout(timer);
        reject(new Refused(`closed ${closed.code}`));
      });
    });
  }

  private receive(data: Buffer): void {
    this.frames++;
    this.bytes += data.length;
    if (!this.buffering && !this.options.onMessage && !this.greet) return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data.toString()) as ServerMessage;
    } catch (error) {
      // Not JSON: a test fails on it; an attack's client, there only to count, lets it pass.
      if (this.buffering) throw error;
      return;
    }
    this.options.onMessage?.(message);
    if (this.greet && isLobbyList(message)) {
      if (this.buffering) this.received.push(message);
      this.greet();
      return;
    }
    if (!this.buffering) return;
    this.received.push(message);
    const index = this.waiters.findIndex((w) => w.predicate(message));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      waiter?.resolve(message);
    } else {
      this.unread.push(message);
    }
  }

  /** Sends a message (an object as JSON) while the connection is open; false when it is not. */
  send(message: object | string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  /** The next message matching (consumed), waiting up to `timeoutMs`. */
  next<T extends ServerMessage = ServerMessage>(predicate: Predicate = () => true, timeoutMs = 3000): Promise<T> {
    const index = this.unread.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching message in ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-10))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextOfType<K extends ServerMessage['type']>(type: K, timeoutMs?: number): Promise<Extract<ServerMessage, { type: K }>> {
    return this.next((m) => m.type === type, timeoutMs);
  }

  /**
   * Sends a `ping` and waits for its `pong`: the server answers it after everything it already had
   * for this connection, so once this resolves, whatever the server did before reading the ping
   * has arrived here. How to check that something did *not* arrive, without sleeping and hoping.
   */
  async settle(timeoutMs = 3000): Promise<void> {
    const ref = `settle-${++settles}`;
    this.send({ type: 'ping', ref });
    await this.next((m) => m.type === 'pong' && m.ref === ref, timeoutMs);
  }

  /** The messages received and not consumed yet that match (no waiting: settle first). */
  pending(predicate: Predicate = () => true): ServerMessage[] {
    return this.unread.filter(predicate);
  }

  /** Drops everything received but not consumed yet. */
  drain(): void {
    this.unread = [];
  }

  /** Stops reading: the TCP socket underneath is paused, as a stuck browser tab's would be. */
  stopReading(): void {
    (this.socket as unknown as { _socket: net.Socket })._socket.pause();
  }

  close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }

  /** Drops the connection at once, with no closing handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}
