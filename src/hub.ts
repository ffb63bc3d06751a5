import { WebSocket, type RawData } from 'ws';
import type { Bus, BusEvent, Origin } from './bus.js';
import type { Log } from './log.js';
import { parseClientMessage } from './messages.js';
import { RateLimiter } from './rateLimit.js';
import {
  CloseCode,
  CloseReason,
  LOBBY,
  TYPING_THROTTLE_MS,
  type ClientMessages,
  type ErrorCode,
  type ServerMessage,
  type User,
} from './shared/protocol.js';
import type { Conversation, Store } from './store/store.js';
import { TypingThrottle } from './typing.js';

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

/** One open WebSocket of a signed-in user. */
export class Connection {
  readonly id = `c${++nextConnection}`;
  readonly rooms = new Set<string>();

  constructor(
    readonly socket: WebSocket,
    readonly user: User,
    /** The sign-in this connection belongs to, so signing out closes exactly its sockets. */
    readonly sessionId?: string,
  ) {}
}

/** Who is in each room: user id → that user's connections there. */
type Presence = Map<string, Set<Connection>>;

/**
 * The chat itself: connections, rooms, presence and the message flow. Every message is stored
 * before it is published, and published through the bus, never written to sockets directly.
 */
export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly rooms = new Map<string, Presence>();
  private readonly sendLimiter: RateLimiter;
  /** Rejections per connection; one that gets as many again as the limit is closed. */
  private readonly strikeLimiter: RateLimiter;
  private readonly typingThrottle = new TypingThrottle(TYPING_THROTTLE_MS);
  private readonly unsubscribe: () => void;

  constructor(private readonly options: HubOptions) {
    this.sendLimiter = new RateLimiter(options.rateLimit, options.rateWindowMs);
    this.strikeLimiter = new RateLimiter(options.rateLimit, options.rateWindowMs);
    this.unsubscribe = options.bus.subscribe((event) => this.deliver(event));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Registers a socket for a user and greets it: lobby history (or the resumed messages), list,
   * join to the others, then what is unread for the user.
   */
  connect(socket: WebSocket, user: User, since?: number, sessionId?: string): Connection {
    const connection = new Connection(socket, user, sessionId);
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
        socket.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
      }
    });
    socket.on('close', () => this.disconnect(connection));
    socket.on('error', (error) => this.options.log('socket_error', { user: user.id, error: error.message }));

    if (since !== undefined) {
      for (const message of this.options.store.messagesSince(since, [LOBBY], user.id)) this.send(connection, message);
    }
    this.enterRoom(connection, LOBBY, { history: since === undefined, announceToSelf: false });
    // A user from before read markers existed starts with the lobby read up to now, like a newcomer.
    this.options.store.ensureRoomReadMarker(user.id, LOBBY);
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
    const presence = this.rooms.get(room);
    if (!presence) return [];
    const users: User[] = [];
    for (const connections of presence.values()) {
      const first = connections.values().next().value;
      if (first) users.push(first.user);
    }
    return users;
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
  }

  // --- incoming -------------------------------------------------------------------------------

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      connection.socket.close(CloseCode.UNSUPPORTED_DATA, CloseReason.BINARY);
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
    }
  }

  private chat(connection: Connection, { room: name, data, ref }: ClientMessages['chat']): void {
    const room = this.options.store.findRoom(name);
    if (!room) return this.fail(connection, 'no_such_room', `There is no room "${name}"`, ref);
    if (!connection.rooms.has(room.name)) {
      return this.fail(connection, 'not_in_room', `Join "${room.name}" before writing to it`, ref);
    }
    if (!this.allowSend(connection, ref)) return;
    const message = this.options.store.addChat({ room: room.name, user: connection.user, data, ts: Date.now() });
    this.typingThrottle.reset(connection.user.id, { room: room.name });
    this.options.bus.publish({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) });
  }

  private directMessage(connection: Connection, { to, data, ref }: ClientMessages['dm']): void {
    const recipient = this.options.store.getUser(to);
    if (!recipient) return this.fail(connection, 'no_such_user', 'There is no such user', ref);
    if (!this.allowSend(connection, ref)) return;
    const toUser: User = { id: recipient.id, name: recipient.name, image: recipient.image };
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
    if (since !== undefined) {
      for (const message of this.options.store.messagesSince(since, [room.name])) this.send(connection, message);
    }
    if (connection.rooms.has(room.name)) {
      // Joining again only refreshes this connection's view; nobody else hears of it.
      if (since === undefined) this.sendHistory(connection, room.name);
      this.send(connection, { type: 'list', room: room.name, data: this.usersIn(room.name) });
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
      connection.socket.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
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
    let presence = this.rooms.get(room);
    if (!presence) this.rooms.set(room, (presence = new Map()));
    let mine = presence.get(connection.user.id);
    const first = !mine;
    if (!mine) presence.set(connection.user.id, (mine = new Set()));
    mine.add(connection);
    connection.rooms.add(room);

    if (how.history) this.sendHistory(connection, room);
    this.send(connection, { type: 'list', room, data: this.usersIn(room) });
    if (first) {
      const message: ServerMessage = { type: 'join', room, user: connection.user, data: `${connection.user.name} joined ${room}` };
      this.options.bus.publish(
        how.announceToSelf ? { kind: 'room', room, message } : { kind: 'room', room, message, except: connection.id },
      );
    }
  }

  /** Takes a connection out of a room; true when that was the user's last one there and `left` went out. */
  private leaveRoom(connection: Connection, room: string): boolean {
    connection.rooms.delete(room);
    const presence = this.rooms.get(room);
    const mine = presence?.get(connection.user.id);
    if (!presence || !mine) return false;
    mine.delete(connection);
    if (mine.size > 0) return false;
    // Publish before forgetting the leaver, so the room (the leaver included) hears it.
    const message = leftMessage(room, connection.user);
    this.send(connection, message);
    presence.delete(connection.user.id);
    if (presence.size === 0) this.rooms.delete(room);
    this.options.bus.publish({ kind: 'room', room, message });
    return true;
  }

  private disconnect(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const room of [...connection.rooms]) this.leaveRoom(connection, room);
    const mine = this.byUser.get(connection.user.id);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.user.id);
  }

  // --- outgoing -------------------------------------------------------------------------------

  private sendHistory(connection: Connection, room: string): void {
    const data = this.options.store.roomHistory(room, { limit: this.options.historyLimit });
    this.send(connection, { type: 'history', room, data });
  }

  /** Delivers one bus event to this process's matching connections, serializing it once. */
  private deliver(event: BusEvent): void {
    switch (event.kind) {
      case 'room': {
        const presence = this.rooms.get(event.room);
        if (!presence) return;
        const frame = JSON.stringify(event.message);
        for (const connections of presence.values()) {
          for (const connection of connections) {
            if (connection.id === event.except || connection.user.id === event.exceptUser) continue;
            this.sendFrame(connection, frameFor(connection, event.message, frame, event.origin));
          }
        }
        return;
      }
      case 'users': {
        const frame = JSON.stringify(event.message);
        for (const userId of event.userIds) {
          for (const connection of this.byUser.get(userId) ?? []) {
            if (connection.id === event.except) continue;
            this.sendFrame(connection, frameFor(connection, event.message, frame, event.origin));
          }
        }
        return;
      }
      case 'everyone': {
        const frame = JSON.stringify(event.message);
        for (const connection of this.connections) this.sendFrame(connection, frame);
        return;
      }
      case 'disconnect':
        for (const connection of this.byUser.get(event.userId) ?? []) {
          if (event.sessionId === undefined || connection.sessionId === event.sessionId) connection.socket.close(event.code, event.reason);
        }
        return;
    }
  }

  private send(connection: Connection, message: ServerMessage): void {
    this.sendFrame(connection, JSON.stringify(message));
  }

  private sendFrame(connection: Connection, frame: string): void {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.log('slow_reader_dropped', { user: connection.user.id, buffered: socket.bufferedAmount });
      socket.terminate();
      return;
    }
    socket.send(frame);
  }
}

function originOf(connection: Connection, ref: string | undefined): Origin {
  return ref === undefined ? { connectionId: connection.id } : { connectionId: connection.id, ref };
}

/** The shared frame, or for the sender's own connection the message with its `ref`. */
function frameFor(connection: Connection, message: ServerMessage, frame: string, origin: Origin | undefined): string {
  if (origin?.ref === undefined || origin.connectionId !== connection.id) return frame;
  return JSON.stringify({ ...message, ref: origin.ref });
}

function leftMessage(room: string, user: User): ServerMessage {
  return { type: 'left', room, user, data: `${user.name} left ${room}` };
}
