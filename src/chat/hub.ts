import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import type { Bus, BusEvent, Origin } from '../bus/bus.js';
import { jsonFrame } from '../transport/frame.js';
import type { Log } from '../log.js';
import { parseClientMessage } from '../shared/protocol/index.js';
import { Outbox } from '../transport/outbox.js';
import { leftText, RoomPresence, type Member } from './presence/roomPresence.js';
import { RateLimiter } from '../limits/rateLimiter.js';
import {
  CloseCode,
  CloseReason,
  LOBBY,
  presenceInterval,
  TYPING_THROTTLE_MS,
  type ClientMessages,
  type ErrorCode,
  type ServerMessage,
  type User,
} from '../shared/protocol/index.js';
import type { Conversation, Store } from '../store/store.js';
import { TypingThrottle } from './typingThrottle.js';

export interface HubOptions {
  store: Store;
  bus: Bus;
  log: Log;
  historyLimit: number;
  maxMessageLength: number;
  rateLimit: number;
  rateWindowMs: number;
  /** A socket that has more than this many bytes waiting has stopped reading: it is dropped rather than let grow. */
  maxBufferedBytes: number;
}

let nextConnection = 0;

/** Messages read from the store at a time when replaying a resume. */
const RESUME_PAGE = 500;

export interface ConnectOptions {
  /** Resume: send the messages after this id instead of the latest history. */
  since?: number | undefined;
  /** The sign-in this connection belongs to, so signing out closes exactly its sockets. */
  sessionId?: string | undefined;
  /** `?presence=batch`: `presence` frames instead of one `join`/`left` each. */
  batchPresence?: boolean;
  /** `?people=lazy` (with batched presence): big rooms by number, people found on request. */
  lazyPeople?: boolean;
}

/** One open WebSocket of a signed-in user. */
export class Connection implements Member {
  readonly id = `c${++nextConnection}`;
  readonly rooms = new Set<string>();
  readonly userJson: string;
  readonly pending: Buffer[] = [];
  pendingBytes = 0;
  readonly sessionId: string | undefined;
  readonly batchPresence: boolean;
  readonly lazyPeople: boolean;

  constructor(
    readonly socket: WebSocket,
    readonly stream: Duplex,
    readonly user: User,
    options: ConnectOptions = {},
  ) {
    this.userJson = JSON.stringify(user);
    this.sessionId = options.sessionId;
    this.batchPresence = options.batchPresence ?? false;
    this.lazyPeople = this.batchPresence && (options.lazyPeople ?? false);
  }
}

/**
 * The chat itself: connections, rooms, presence and the message flow. Every message is stored
 * before it is published, and published through the bus, never written to sockets directly.
 */
export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly rooms = new Map<string, RoomPresence<Connection>>();
  /** Rooms whose presence changes go out at the next flush. */
  private readonly presenceDue = new Set<RoomPresence<Connection>>();
  private readonly outbox: Outbox;
  /** A store batch is open: messages of this tick commit together before anything is written. */
  private batchOpen = false;
  private readonly sendLimiter: RateLimiter;
  /** Rejections per connection; one that gets as many again as the limit is closed. */
  private readonly strikeLimiter: RateLimiter;
  private readonly peopleLimiter: RateLimiter;
  private readonly typingThrottle = new TypingThrottle(TYPING_THROTTLE_MS);
  private readonly unsubscribe: () => void;

  constructor(private readonly options: HubOptions) {
    this.sendLimiter = new RateLimiter(options.rateLimit, options.rateWindowMs);
    this.strikeLimiter = new RateLimiter(options.rateLimit, options.rateWindowMs);
    this.peopleLimiter = new RateLimiter(options.rateLimit, options.rateWindowMs);
    this.outbox = new Outbox({
      maxBufferedBytes: options.maxBufferedBytes,
      beforeFlush: () => this.flushDuePresence(),
      commit: () => this.commitBatch(),
      onSlowReader: (recipient, buffered) =>
        this.options.log('slow_reader_dropped', { user: (recipient as Connection).user.id, buffered }),
      onFlushFailed: (error) => this.options.log('commit_failed', { error: String(error) }),
    });
    this.unsubscribe = options.bus.subscribe((event) => this.deliver(event));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Registers a socket for a user and greets it: lobby history (or the resumed messages), list,
   * join to the others, then what is unread for the user.
   */
  connect(socket: WebSocket, stream: Duplex, user: User, options: ConnectOptions = {}): Connection {
    const { since } = options;
    const connection = new Connection(socket, stream, user, options);
    this.connections.add(connection);
    let mine = this.byUser.get(user.id);
    if (!mine) this.byUser.set(user.id, (mine = new Set()));
    mine.add(connection);

    socket.on('message', (data, isBinary) => {
      try {
        this.receive(connection, data, isBinary);
      } catch (error) {
        // A store failure must not take the whole process down: drop this one connection instead.
        this.options.log('message_failed', { user: user.id, error: String(error) });
        this.close(connection, CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
      }
    });
    socket.on('close', () => this.disconnect(connection));
    socket.on('error', (error) => this.options.log('socket_error', { user: user.id, error: error.message }));

    if (since !== undefined) this.resume(connection, since, [LOBBY], user.id);
    this.enterRoom(connection, LOBBY, { history: since === undefined, announceToSelf: false });
    // Only when something is unread: a client that just chats sees the contract's greeting and nothing more.
    const unread = this.options.store.unreadOf(user.id, user.name);
    if (unread.length > 0) this.send(connection, { type: 'unread', data: unread });
    return connection;
  }

  /** Online users per room, every room in creation order. */
  roomsWithUsers(): { name: string; users: User[] }[] {
    return this.options.store.listRooms().map((room) => ({ name: room.name, users: this.usersIn(room.name) }));
  }

  usersIn(room: string): User[] {
    return this.rooms.get(room)?.users() ?? [];
  }

  /** Tells everyone the room list changed. */
  announceRooms(): void {
    const names = this.options.store.listRooms().map((room) => room.name);
    this.options.bus.publish({ kind: 'everyone', message: { type: 'rooms', data: names } });
  }

  /** Closes every connection of a user (sign-out), in every process. */
  disconnectUser(userId: string, code: number, reason: string, sessionId?: string): void {
    this.options.bus.publish(
      sessionId === undefined ? { kind: 'disconnect', userId, code, reason } : { kind: 'disconnect', userId, sessionId, code, reason },
    );
  }

  /** Open connections of a user in this process (for the per-user cap). */
  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Closes every socket with the given code and resolves once they are all gone (or the wait runs out). */
  async closeAll(code: number, reason: string, waitMs = 3000): Promise<void> {
    // What is queued goes out before the close frames.
    this.flushAllPresence();
    this.outbox.flush();
    const sockets = [...this.connections].map((connection) => connection.socket);
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(code, reason);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([Promise.all(closed), timeout]);
    clearTimeout(timer);
    for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }

  /** Drops rate-limit entries of users who have gone quiet. */
  sweep(now = Date.now()): void {
    this.sendLimiter.sweep(now);
    this.strikeLimiter.sweep(now);
    this.typingThrottle.sweep(now);
  }

  stop(): void {
    this.unsubscribe();
    for (const state of this.rooms.values()) clearTimeout(state.timer);
    this.outbox.flush();
  }

  // --- incoming -------------------------------------------------------------------------------

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.close(connection, CloseCode.UNSUPPORTED_DATA, CloseReason.BINARY);
      return;
    }
    const parsed = parseClientMessage(data.toString(), { maxMessageLength: this.options.maxMessageLength });
    if (!parsed.ok) {
      this.fail(connection, parsed.code, parsed.message, parsed.ref);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'chat':
        return this.chat(connection, message);
      case 'dm':
        return this.directMessage(connection, message);
      case 'join':
        return this.join(connection, message);
      case 'leave':
        return this.leave(connection, message);
      case 'history':
        return this.history(connection, message);
      case 'typing':
        return this.typing(connection, message);
      case 'read':
        return this.read(connection, message);
      case 'people':
        return this.people(connection, message);
      case 'ping':
        return this.send(connection, message.ref === undefined ? { type: 'pong' } : { type: 'pong', ref: message.ref });
    }
  }

  /** Who is online in a room under a name: how a lazy page finds people in a big room. */
  private people(connection: Connection, { room: name, q, ref }: ClientMessages['people']): void {
    const room = this.options.store.findRoom(name);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${name}"`, ref);
    if (!connection.rooms.has(room.name)) return this.fail(connection, 'not_in_room', `Join "${room.name}" to see who is there`, ref);
    // A search reads the whole room: limited like messages, but a refused one costs no strike.
    if (!this.peopleLimiter.take(connection.user.id)) return this.fail(connection, 'rate_limited', 'Too many searches: wait a few seconds', ref);
    const data = this.rooms.get(room.name)?.people(q) ?? [];
    this.send(connection, ref === undefined ? { type: 'people', room: room.name, q, data } : { type: 'people', room: room.name, q, data, ref });
  }

  private chat(connection: Connection, { room: name, data, ref }: ClientMessages['chat']): void {
    const room = this.options.store.findRoom(name);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${name}"`, ref);
    if (!connection.rooms.has(room.name)) {
      return this.fail(connection, 'not_in_room', `Join "${room.name}" before writing to it`, ref);
    }
    if (!this.allowSend(connection, ref)) return;
    this.openBatch();
    const message = this.options.store.addChat({ room: room.name, user: connection.user, data, ts: Date.now() });
    this.typingThrottle.reset(connection.user.id, { room: room.name });
    this.options.bus.publish({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) });
  }

  private directMessage(connection: Connection, { to, data, ref }: ClientMessages['dm']): void {
    const recipient = this.options.store.getUser(to);
    if (!recipient) return this.fail(connection, 'no_such_user', 'There is no such user', ref);
    if (!this.allowSend(connection, ref)) return;
    const toUser: User = { id: recipient.id, name: recipient.name, image: recipient.image };
    this.openBatch();
    const message = this.options.store.addDm({ user: connection.user, to: toUser, data, ts: Date.now() });
    this.typingThrottle.reset(connection.user.id, { with: recipient.id });
    const userIds = recipient.id === connection.user.id ? [recipient.id] : [connection.user.id, recipient.id];
    this.options.bus.publish({ kind: 'users', userIds, message, origin: originOf(connection, ref) });
  }

  private join(connection: Connection, { room: name, since, ref }: ClientMessages['join']): void {
    const room = this.options.store.findRoom(name);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${name}"`, ref);
    // An explicit join makes the user a member for good: the room is theirs on every device until they leave it.
    this.options.store.addMembership(connection.user.id, room.name, Date.now());
    if (since !== undefined) this.resume(connection, since, [room.name]);
    const state = this.rooms.get(room.name);
    if (state && connection.rooms.has(room.name)) {
      // Joining again only refreshes this connection's view; nobody else hears of it.
      if (since === undefined) this.sendHistory(connection, room.name);
      this.sendList(connection, state);
      return;
    }
    this.enterRoom(connection, room.name, { history: since === undefined, announceToSelf: true });
  }

  private leave(connection: Connection, { room: name, ref }: ClientMessages['leave']): void {
    const room = this.options.store.findRoom(name);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${name}"`, ref);
    if (!connection.rooms.has(room.name)) {
      return this.fail(connection, 'not_in_room', `You are not in "${room.name}"`, ref);
    }
    // The user leaves the room for good; their other connections stay in it until they leave or reconnect.
    this.options.store.removeMembership(connection.user.id, room.name);
    const announced = this.leaveRoom(connection, room.name);
    // The leaver hears it either way, so the page can close the room even while another tab stays.
    if (!announced) this.send(connection, leftMessage(room.name, connection.user));
  }

  private history(connection: Connection, request: ClientMessages['history']): void {
    const limit = request.limit ?? this.options.historyLimit;
    const page = request.before === undefined ? { limit } : { limit, before: request.before };
    const echo = request.before === undefined ? {} : { before: request.before };
    if ('with' in request) {
      const other = this.options.store.getUser(request.with);
      if (!other) return this.fail(connection, 'no_such_user', 'There is no such user', request.ref);
      const data = this.options.store.dmHistory(connection.user.id, other.id, page);
      this.send(connection, { type: 'history', with: other.id, data, ...echo });
      return;
    }
    const room = this.options.store.findRoom(request.room);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${request.room}"`, request.ref);
    if (!connection.rooms.has(room.name)) {
      return this.fail(connection, 'not_in_room', `Join "${room.name}" to read it`, request.ref);
    }
    const data = this.options.store.roomHistory(room.name, page);
    this.send(connection, { type: 'history', room: room.name, data, ...echo });
  }

  /** Tells the others in the room, or the other person of a DM, that this user is typing; throttled. */
  private typing(connection: Connection, request: ClientMessages['typing']): void {
    const user = connection.user;
    if ('with' in request) {
      const other = this.options.store.getUser(request.with);
      if (!other) return this.fail(connection, 'no_such_user', 'There is no such user', request.ref);
      if (other.id === user.id || !this.typingThrottle.take(user.id, { with: other.id })) return;
      this.options.bus.publish({ kind: 'users', userIds: [other.id], message: { type: 'typing', with: user.id, user } });
      return;
    }
    const room = this.options.store.findRoom(request.room);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${request.room}"`, request.ref);
    if (!connection.rooms.has(room.name)) {
      return this.fail(connection, 'not_in_room', `Join "${room.name}" before writing to it`, request.ref);
    }
    if (!this.typingThrottle.take(user.id, { room: room.name })) return;
    const message: ServerMessage = { type: 'typing', room: room.name, user };
    this.options.bus.publish({ kind: 'room', room: room.name, message, exceptUser: user.id });
  }

  /** Moves the user's read marker forward and tells their other connections. */
  private read(connection: Connection, request: ClientMessages['read']): void {
    const userId = connection.user.id;
    let about: Conversation;
    if ('with' in request) {
      const other = this.options.store.getUser(request.with);
      if (!other) return this.fail(connection, 'no_such_user', 'There is no such user', request.ref);
      about = { with: other.id };
    } else {
      const room = this.options.store.findRoom(request.room);
      if (!room) return this.fail(connection, 'no_such_room', `There is no room "${request.room}"`, request.ref);
      if (!this.options.store.isMember(userId, room.name)) {
        return this.fail(connection, 'not_in_room', `You are not a member of "${room.name}"`, request.ref);
      }
      about = { room: room.name };
    }
    // Never past the newest message, or messages not written yet would count as read.
    const id = Math.min(request.id, this.options.store.lastMessageId());
    if (!this.options.store.markRead(userId, about, id)) return;
    this.options.bus.publish({ kind: 'users', userIds: [userId], message: { type: 'read', ...about, id }, except: connection.id });
  }

  /** Per user across all tabs; a connection that keeps going after being refused is closed. */
  private allowSend(connection: Connection, ref: string | undefined): boolean {
    if (this.sendLimiter.take(connection.user.id)) return true;
    if (!this.strikeLimiter.take(connection.id)) {
      this.close(connection, CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
      return false;
    }
    this.fail(connection, 'rate_limited', 'Too many messages: wait a few seconds', ref);
    return false;
  }

  private fail(connection: Connection, code: ErrorCode, message: string, ref?: string): void {
    this.send(connection, ref === undefined ? { type: 'error', data: { code, message } } : { type: 'error', data: { code, message }, ref });
  }

  // --- presence -------------------------------------------------------------------------------

  private enterRoom(connection: Connection, room: string, how: { history: boolean; announceToSelf: boolean }): void {
    let state = this.rooms.get(room);
    if (!state) this.rooms.set(room, (state = new RoomPresence<Connection>(room)));
    const first = state.add(connection);
    connection.rooms.add(room);

    if (how.history) this.sendHistory(connection, room);
    const ownJoin = state.changeCount;
    if (first) this.options.bus.publish({ kind: 'presence', room, change: 'join', user: connection.user });
    // The list already has this user; the connection hears its own join only when it asked to join.
    this.sendList(connection, state, first && how.announceToSelf ? ownJoin : undefined);
  }

  /** Takes a connection out of a room; true when that was the user's last one there and `left` went out. */
  private leaveRoom(connection: Connection, room: string): boolean {
    connection.rooms.delete(room);
    const state = this.rooms.get(room);
    if (!state || !state.remove(connection)) return false;
    // The leaver hears it at once; the others with the room's next presence flush.
    this.send(connection, leftMessage(room, connection.user));
    if (state.isEmpty) {
      clearTimeout(state.timer);
      this.presenceDue.delete(state);
      this.rooms.delete(room);
    }
    this.options.bus.publish({ kind: 'presence', room, change: 'left', user: connection.user });
    return true;
  }

  private disconnect(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const room of [...connection.rooms]) this.leaveRoom(connection, room);
    const mine = this.byUser.get(connection.user.id);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.user.id);
  }

  /**
   * Presence changes wait for the room's next flush: at the end of this tick when the room has
   * been quiet, else one interval (growing with the room) after the last one, so a burst costs
   * one write per member per interval.
   */
  private schedulePresence(state: RoomPresence<Connection>): void {
    if (state.timer || this.presenceDue.has(state)) return;
    const wait = state.lastFlushAt + presenceInterval(state.connections.size) - Date.now();
    if (wait <= 0) {
      this.presenceDue.add(state);
      this.outbox.schedule();
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.presenceDue.add(state);
      this.outbox.schedule();
    }, wait);
  }

  private flushPresence(state: RoomPresence<Connection>): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    this.presenceDue.delete(state);
    state.lastFlushAt = Date.now();
    state.flush((member, parts) => this.outbox.queueParts(member, parts));
  }

  private flushAllPresence(): void {
    for (const state of this.rooms.values()) if (state.hasChanges) this.flushPresence(state);
  }

  // --- outgoing -------------------------------------------------------------------------------

  /** The room's latest page; the frame is kept while the room is occupied and nothing new is said. */
  private sendHistory(connection: Connection, room: string): void {
    const state = this.rooms.get(room);
    let frame = state?.latestHistory;
    if (!frame) {
      const data = this.options.store.roomHistory(room, { limit: this.options.historyLimit });
      frame = jsonFrame({ type: 'history', room, data } satisfies ServerMessage);
      if (state) state.latestHistory = frame;
    }
    this.outbox.queue(connection, frame);
  }

  /**
   * Replays what a connection missed, a page at a time, so that a resume from far back holds one
   * page in memory. A reader that cannot take it all is dropped at the buffer cap like any other
   * slow reader, and its next resume starts from the last message it got.
   */
  private resume(connection: Connection, since: number, rooms: string[], dmsOf?: string): void {
    let after = since;
    for (;;) {
      const page = this.options.store.messagesSince(after, rooms, dmsOf, RESUME_PAGE);
      for (const message of page) this.send(connection, message);
      const last = page.at(-1);
      if (!last || page.length < RESUME_PAGE || connection.socket.readyState !== WebSocket.OPEN) return;
      after = last.id;
    }
  }

  /** The room's list to one connection, which from then on needs only later presence changes. */
  private sendList(connection: Connection, state: RoomPresence<Connection>, from?: number): void {
    this.outbox.queueParts(connection, state.greeting(connection));
    state.markListed(connection, from);
  }

  /** Delivers one bus event to this process's matching connections, framing it once. */
  private deliver(event: BusEvent): void {
    switch (event.kind) {
      case 'room': {
        const state = this.rooms.get(event.room);
        if (!state) return;
        // Presence first, so nobody reads a message from someone before hearing they joined.
        if (state.hasChanges) this.flushPresence(state);
        if (event.message.type === 'chat') state.latestHistory = undefined;
        const frame = jsonFrame(event.message);
        for (const connection of state.connections) {
          if (connection.id === event.except || connection.user.id === event.exceptUser) continue;
          this.outbox.queue(connection, frameFor(connection, event.message, frame, event.origin));
        }
        return;
      }
      case 'users': {
        const frame = jsonFrame(event.message);
        for (const userId of event.userIds) {
          for (const connection of this.byUser.get(userId) ?? []) {
            if (connection.id === event.except) continue;
            this.outbox.queue(connection, frameFor(connection, event.message, frame, event.origin));
          }
        }
        return;
      }
      case 'everyone': {
        const frame = jsonFrame(event.message);
        for (const connection of this.connections) this.outbox.queue(connection, frame);
        return;
      }
      case 'presence': {
        const state = this.rooms.get(event.room);
        if (!state) return;
        state.record(event.change, event.user, JSON.stringify(event.user));
        this.schedulePresence(state);
        return;
      }
      case 'disconnect':
        for (const connection of this.byUser.get(event.userId) ?? []) {
          if (event.sessionId === undefined || connection.sessionId === event.sessionId) {
            this.close(connection, event.code, event.reason);
          }
        }
        return;
    }
  }

  private send(connection: Connection, message: ServerMessage): void {
    this.outbox.queue(connection, jsonFrame(message));
  }

  /** Closes a connection after what is already queued for it. */
  private close(connection: Connection, code: number, reason: string): void {
    this.outbox.flushOne(connection);
    connection.socket.close(code, reason);
  }

  /** Opens the tick's store batch (group commit); the flush commits it before writing. */
  private openBatch(): void {
    if (this.batchOpen) return;
    this.options.store.beginBatch();
    this.batchOpen = true;
    this.outbox.schedule();
  }

  /** Runs before frames are written: what they announce must be kept first. */
  private commitBatch(): void {
    if (!this.batchOpen) return;
    this.batchOpen = false;
    this.options.store.commitBatch();
  }

  private flushDuePresence(): void {
    for (const state of this.presenceDue) this.flushPresence(state);
  }
}

function originOf(connection: Connection, ref: string | undefined): Origin {
  return ref === undefined ? { connectionId: connection.id } : { connectionId: connection.id, ref };
}

/** The shared frame, or for the sender's own connection the message with its `ref`. */
function frameFor(connection: Connection, message: ServerMessage, frame: Buffer, origin: Origin | undefined): Buffer {
  if (origin?.ref === undefined || origin.connectionId !== connection.id) return frame;
  return jsonFrame({ ...message, ref: origin.ref });
}

function leftMessage(room: string, user: User): ServerMessage {
  return { type: 'left', room, user, data: leftText(user, room) };
}
