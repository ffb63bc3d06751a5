import WebSocket from 'ws';
import type { ServerMessage } from '../../src/shared/protocol/index.js';

export interface Closed {
  code: number;
  reason: string;
}

type Predicate = (message: ServerMessage) => boolean;

/**
 * A real `ws` client that buffers what the server sends, so a test can wait for the next message
 * that matches, assert that none arrives, and see how the connection closed.
 */
export class TestClient {
  readonly received: ServerMessage[] = [];
  private unread: ServerMessage[] = [];
  private waiters: { predicate: Predicate; resolve: (m: ServerMessage) => void }[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      const index = this.waiters.findIndex((w) => w.predicate(message));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        waiter?.resolve(message);
      } else {
        this.unread.push(message);
      }
    });
  }

  static async connect(
    wsUrl: string,
    options: { cookie?: string; since?: number; origin?: string; path?: string; presence?: 'batch'; people?: 'lazy' } = {},
  ): Promise<TestClient> {
    const url = new URL(wsUrl);
    if (options.path) url.pathname = options.path;
    if (options.since !== undefined) url.searchParams.set('since', String(options.since));
    if (options.presence) url.searchParams.set('presence', options.presence);
    if (options.people) url.searchParams.set('people', options.people);
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const client = new TestClient(new WebSocket(url, { headers }));
    await client.opened;
    return client;
  }

  /** Connects and waits for the greeting (history or resume, then the lobby list). */
  static async ready(wsUrl: string, cookie: string, since?: number, presence?: 'batch'): Promise<TestClient> {
    const client = await TestClient.connect(wsUrl, {
      cookie,
      ...(since === undefined ? {} : { since }),
      ...(presence === undefined ? {} : { presence }),
    });
    await client.next((m) => m.type === 'list' && m.room === 'lobby');
    return client;
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
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

  /** Resolves with the unconsumed messages matching after waiting `ms`: for "nothing else arrives". */
  async quietFor(ms = 200, predicate: Predicate = () => true): Promise<ServerMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.unread.filter(predicate);
  }

  /** Drops everything received but not consumed yet. */
  drain(): void {
    this.unread = [];
  }

  close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }
}
