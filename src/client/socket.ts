import { CloseCode, type ClientMessage, type ServerMessage } from '../shared/protocol/index.js';
import { reconnectDelay } from './backoff.js';
import { highestChange } from './messageState.js';
import { socketPath } from './socketPath.js';

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'online' }
  | { state: 'waiting'; retryAt: number }
  | { state: 'signed-out' }
  /** A moderator blocked this network for a while (4003): tried again now and then, quietly. */
  | { state: 'blocked' };

/** How long a blocked page waits before trying again (a block lasts 10 minutes at least, or is lifted). */
const BLOCKED_RETRY_MS = 60_000;

export interface ChatSocketHandlers {
  message(message: ServerMessage): void;
  state(state: ConnectionState): void;
  /** Called on every (re)connection, before any message of it arrives. */
  opened(resumed: boolean): void;
}

/**
 * A WebSocket that comes back by itself: on close it waits (with backoff) and reconnects with
 * `since=<last id seen>`, so the server replays exactly what was missed. Close code 4001 means the
 * identity is gone, and the page goes to /signin instead.
 */
export class ChatSocket {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private opened = false;

  constructor(
    private lastId: number,
    private readonly handlers: ChatSocketHandlers,
  ) {}

  get lastSeenId(): number {
    return this.lastId;
  }

  /** Notes an id the page has shown, so a reconnect resumes after it. */
  saw(id: number): void {
    if (id > this.lastId) this.lastId = id;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    clearTimeout(this.timer);
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${socketPath(this.lastId, highestChange())}`);
    this.socket = socket;
    this.handlers.state({ state: 'connecting' });
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.handlers.state({ state: 'online' });
      this.handlers.opened(this.opened);
      this.opened = true;
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if ((message.type === 'chat' || message.type === 'dm') && typeof message.id === 'number') this.saw(message.id);
      this.handlers.message(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (event.code === CloseCode.INVALID_USER) {
        this.handlers.state({ state: 'signed-out' });
        location.assign('/signin');
        return;
      }
      if (event.code === CloseCode.ADDRESS_BLOCKED) {
        this.handlers.state({ state: 'blocked' });
        this.timer = setTimeout(() => this.connect(), BLOCKED_RETRY_MS);
        return;
      }
      this.scheduleReconnect();
    });
  }

  send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Skips the wait (the person clicked "retry now", or the browser came back online). */
  retryNow(): void {
    if (this.socket) return;
    this.connect();
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelay(this.attempt++);
    this.handlers.state({ state: 'waiting', retryAt: Date.now() + delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
