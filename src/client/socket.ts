import { CloseCode, type ClientMessage, type ServerMessage } from '../shared/protocol/index.js';
import { reconnectDelay } from './backoff.js';
import { highestChange } from './messageState.js';
import { socketPath } from './socketPath.js';

export type ConnectionState =
  /** `noAnswer`: the last socket was given up because a message of mine went unanswered (see ANSWER_TIMEOUT_MS). */
  | { state: 'connecting'; noAnswer?: boolean }
  | { state: 'online' }
  | { state: 'waiting'; retryAt: number }
  | { state: 'signed-out' }
  /** A moderator blocked this network for a while (4003): tried again now and then, quietly. */
  | { state: 'blocked' };

/** How long a blocked page waits before trying again (a block lasts 10 minutes at least, or is lifted). */
const BLOCKED_RETRY_MS = 60_000;

/**
 * A chat or DM with no answer (its echo or an error) this long after it was sent, with nothing at
 * all heard from the server meanwhile: the connection is taken for dead (a network gone without a
 * close, which TCP and the 30 s heartbeat notice late) and a new one is opened, which resumes.
 */
export const ANSWER_TIMEOUT_MS = 5000;
const ANSWER_CHECK_MS = 250;

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
  /** Refs of my chats and DMs on this socket that have had no answer yet, with when each was sent. */
  private readonly unanswered = new Map<string, number>();
  private lastHeard = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;

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

  connect(noAnswer = false): void {
    clearTimeout(this.timer);
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${socketPath(this.lastId, highestChange())}`);
    this.socket = socket;
    this.handlers.state(noAnswer ? { state: 'connecting', noAnswer } : { state: 'connecting' });
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.handlers.state({ state: 'online' });
      this.handlers.opened(this.opened);
      this.opened = true;
    });
    socket.addEventListener('message', (event) => {
      // A socket given up for dead that turns out to live on is not listened to any more.
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.lastHeard = Date.now();
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if ((message.type === 'chat' || message.type === 'dm') && typeof message.id === 'number') this.saw(message.id);
      if ('ref' in message && typeof message.ref === 'string') this.unanswered.delete(message.ref);
      this.handlers.message(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.stopWatching();
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
    if ((message.type === 'chat' || message.type === 'dm') && message.ref !== undefined) this.expectAnswer(message.ref);
    return true;
  }

  /** Skips the wait (the person clicked "retry now", or the browser came back online). */
  retryNow(): void {
    if (this.socket) return;
    this.connect();
  }

  private expectAnswer(ref: string): void {
    this.unanswered.set(ref, Date.now());
    this.watchdog ??= setInterval(() => this.checkAnswers(), ANSWER_CHECK_MS);
  }

  /** Gives the socket up when its oldest unanswered message, and the last thing heard, are both ANSWER_TIMEOUT_MS old. */
  private checkAnswers(): void {
    if (this.unanswered.size === 0) return this.stopWatching();
    const oldest = Math.min(...this.unanswered.values());
    if (Date.now() - Math.max(oldest, this.lastHeard) < ANSWER_TIMEOUT_MS) return;
    const socket = this.socket;
    this.socket = undefined;
    this.stopWatching();
    // Its close may take a long time on a dead network, and is ignored when it comes (`this.socket`
    // is no longer it); the new socket resumes with since=, and the page sends its pending messages again.
    socket?.close();
    this.connect(true);
  }

  private stopWatching(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.unanswered.clear();
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelay(this.attempt++);
    this.handlers.state({ state: 'waiting', retryAt: Date.now() + delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
