// Why this file is long: it is the one place the chat core's parts meet (connections, commands, the bus and both sequencers); each part's logic lives in a file of its own.
// The chat itself, as one process sees it: connections come and go, their messages are handed to
// the command for their type (commands/), and bus events are delivered to the sockets here
// (delivery.ts). Every message is stored before it is published, and published through the bus,
// never written to sockets directly. No koa, ws or node:stream here: sockets are Peers.
import { randomBytes } from 'node:crypto';
import type { Bus, BusEvent } from '../bus/bus.js';
import type { Log } from '../log.js';
import { jsonFrame } from '../transport/frame.js';
import {
  CloseCode,
  CloseReason,
  LOBBY,
  TYPING_THROTTLE_MS,
  parseClientMessage,
  type ClientMessage,
  type RoomChange,
  type ServerMessage,
  type User,
} from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import { unlessUnavailable } from '../store/unavailable.js';
import type { ChatContext, Command } from './commands/command.js';
import { commands } from './commands/index.js';
import { Connection, type ConnectOptions, type Flusher, type Peer } from './connection.js';
import { Connections } from './connections.js';
import { deliver } from './delivery.js';
import { ChatError, errorMessage, refusalOf } from './errors.js';
import { PresenceSync } from './presence/presenceSync.js';
import { RoomCounts } from './presence/roomCounts.js';
import { ReplayBudget, replay, type ResumePoint } from './resume.js';
import type { SequencerTimes } from './gapFiller.js';
import { Sequencer, messageIdOf } from './sequencer.js';
import { ChangeSequencer, changeOf } from './changeSequencer.js';
import { evictFormerMembers } from './membershipRecheck.js';
import { joinedMessage } from './commands/join.js';
import { LockedRooms } from './lockedRooms.js';
import { RecentMessages } from './recentMessages.js';
import { closeEndedSessions } from './sessionRecheck.js';
import { Rooms } from './rooms.js';
import { UserLimits, type UserLimitSettings } from './userLimits.js';
import { TypingThrottle } from './typingThrottle.js';

export interface HubOptions extends UserLimitSettings {
  store: Store;
  bus: Bus;
  log: Log;
  /** The transport's outbox: each tick's frames go out in one flush, after the commit. */
  flusher: Flusher;
  historyLimit: number;
  maxMessageLength: number;
  /** Rooms one user may belong to besides the lobby; 0 means no cap. */
  maxRoomsPerUser: number;
  /** How long a session lives (SESSION_DAYS). */
  sessionMaxAgeMs: number;
  /** How long after sending a message its author may edit it (EDIT_WINDOW_MINUTES); 0: no limit. */
  editWindowMs: number;
  /** How soon the users of a process that vanished (no goodbye) are seen to leave (PRESENCE_TIMEOUT_MS). */
  presenceTimeoutMs: number;
  /** Several processes write (PostgreSQL): bus events pass a Sequencer, which keeps messages in id order. */
  sequence?: SequencerTimes;
}

export class Hub implements ChatContext {
  readonly store: Store;
  readonly bus: Bus;
  readonly rooms: Rooms;
  readonly limits: UserLimits;
  readonly typing = new TypingThrottle(TYPING_THROTTLE_MS);
  readonly locks = new LockedRooms();
  readonly recent = new RecentMessages();
  readonly historyLimit: number;
  readonly maxRoomsPerUser: number;
  readonly sessionMaxAgeMs: number;
  readonly editWindowMs: number;
  /**
   * This hub among all the processes of a site: random, so that connection ids (tag and a count)
   * are unique across processes and restarts, and the hub knows the events it published itself.
   */
  readonly tag = randomBytes(6).toString('base64url');
  private connectionsMade = 0;
  /** Arrows, so that commands may take them apart from the hub. */
  readonly publish = (event: BusEvent): void => this.bus.publish(event);
  readonly publishAfter = <T>(connection: Connection, write: Promise<T>, event: (result: T) => BusEvent | undefined, ref?: string): void => {
    // Seen to at once, so that a failure while an earlier announcement still waits is not "unhandled".
    write.catch(() => {});
    // The flush queued now, behind the store's commit (queued by the write): announced between the
    // two, the message goes out on this very turn rather than a flush queued after the commit.
    this.options.flusher.schedule();
    // One line for the whole process, in the order the writes were made, which is the order of
    // their ids: members hear of messages in id order, whoever sent them.
    this.announcing = this.announcing.then(async () => {
      try {
        const announced = event(await write);
        if (!announced) return;
        const id = messageIdOf(announced);
        const origin = 'origin' in announced ? announced.origin : undefined;
        if (id !== undefined) this.sequencer?.remember(id, origin);
        const change = changeOf(announced);
        if (change !== undefined) this.changeSequencer?.remember(change, origin);
        this.bus.publish(announced);
      } catch (error) {
        // Not stored (the store out of reach): the sender hears so, with its ref, and nobody hears of the message.
        this.answer(connection, error, ref);
      }
    });
  };
  /** What waits to be published once its write is committed (see publishAfter). */
  private announcing: Promise<void> = Promise.resolve();
  private readonly connections = new Connections();
  private readonly replays = new ReplayBudget();
  /** Who is where on the other processes, kept up to date with them over the bus. */
  private readonly presenceSync: PresenceSync;
  /** The head-counts of public rooms, for the connections that follow them (`?counts=live`). */
  private readonly counts: RoomCounts;
  private readonly unsubscribe: () => void;
  private readonly sequencer: Sequencer | undefined;
  /** Behind the sequencer: change events in change order (see changeSequencer.ts). */
  private readonly changeSequencer: ChangeSequencer | undefined;

  constructor(private readonly options: HubOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.historyLimit = options.historyLimit;
    this.maxRoomsPerUser = options.maxRoomsPerUser;
    this.sessionMaxAgeMs = options.sessionMaxAgeMs;
    this.editWindowMs = options.editWindowMs;
    this.counts = new RoomCounts({
      count: (room) => this.rooms.usersIn(room).length,
      send: (frame) => {
        for (const connection of this.connections) if (connection.liveCounts) connection.send(frame);
      },
    });
    this.rooms = new Rooms({
      ...options,
      publishPresence: (room, change, user) => this.presenceSync.publish(room, change, user),
      countChanged: (room) => this.counts.touch(room),
    });
    this.limits = new UserLimits(options);
    this.presenceSync = new PresenceSync({ bus: this.bus, tag: this.tag, rooms: this.rooms, timeoutMs: options.presenceTimeoutMs });
    const changes = options.sequence && this.sequenceChanges(options.sequence);
    this.changeSequencer = changes;
    const sequencer = options.sequence && this.sequence(options.sequence);
    this.sequencer = sequencer;
    const unsubscribe = options.bus.subscribe(sequencer ? (event) => sequencer.push(event) : (event) => this.deliver(event));
    const unwatch = options.bus.onConnectionChange((connected) => {
      if (!connected) {
        changes?.disconnected();
        return sequencer?.disconnected();
      }
      sequencer?.reconnected();
      changes?.reconnected();
      void this.recheckSessions();
      void this.reloadLocks();
      void this.reloadPublicRooms();
    });
    this.unsubscribe = () => {
      unsubscribe();
      unwatch();
      sequencer?.stop();
      changes?.stop();
    };
    this.presenceSync.start();
  }

  /** The bus is back: sign-outs and ends of private memberships made elsewhere while it was away act here now. */
  private async recheckSessions(): Promise<void> {
    try {
      const closed = await closeEndedSessions(this.store, this.connections);
      if (closed > 0) this.options.log('signed_out_while_away', { closed });
      const evicted = await evictFormerMembers(this.store, this.connections, this.rooms);
      if (evicted > 0) this.options.log('removed_while_away', { evicted });
    } catch (error) {
      this.options.log('session_recheck_failed', { error: String(error) });
    }
  }

  /** Locks made or lifted elsewhere while the bus was away count here too. */
  private async reloadLocks(): Promise<void> {
    try {
      await this.locks.reload(this.store);
    } catch (error) {
      this.options.log('locks_reload_failed', { error: String(error) });
    }
  }

  /** Rooms made or ended elsewhere while the bus was away: which are counted aloud (roomCounts.ts). */
  private async reloadPublicRooms(): Promise<void> {
    try {
      this.counts.setPublic((await this.store.listRooms()).filter((room) => !room.private).map((room) => room.name));
    } catch (error) {
      this.options.log('rooms_reload_failed', { error: String(error) });
    }
  }

  /** Before the server listens: the locked rooms, and where the sequencer starts counting, so nothing after is missed. */
  async start(): Promise<void> {
    await this.locks.reload(this.store);
    await this.reloadPublicRooms();
    await this.sequencer?.start();
    await this.changeSequencer?.start();
  }

  private sequence(times: SequencerTimes): Sequencer {
    return new Sequencer(
      {
        fetch: (after, upTo, limit) => this.store.messagesBetween(after, upTo, limit),
        newest: () => this.store.lastMessageId(),
        deliver: (event) => (this.changeSequencer ? this.changeSequencer.push(event) : this.deliver(event)),
        // Every connection here reconnects and resumes by id (paced), rather than a flood sent live.
        tooFarBehind: (missed) => {
          this.options.log('resume_everyone', { missed });
          for (const connection of this.connections) connection.peer.close(CloseCode.SERVICE_RESTART, CloseReason.RESUME);
        },
        failed: (error) => this.options.log('sequencer_failed', { error: String(error) }),
      },
      times,
    );
  }

  private sequenceChanges(times: SequencerTimes): ChangeSequencer {
    return new ChangeSequencer(
      {
        fetch: (after, upTo, limit) => this.store.changesBetween(after, upTo, limit),
        newest: () => this.store.lastChange(),
        messagesUpTo: () => this.sequencer?.deliveredUpTo ?? Number.MAX_SAFE_INTEGER,
        deliver: (event) => this.deliver(event),
        tooFarBehind: (missed) => {
          this.options.log('resume_everyone', { missedChanges: missed });
          for (const connection of this.connections) connection.peer.close(CloseCode.SERVICE_RESTART, CloseReason.RESUME);
        },
        failed: (error) => this.options.log('sequencer_failed', { error: String(error) }),
      },
      times,
    );
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Registers a socket for a user and greets it: lobby history (or the resumed messages), list,
   * join to the others, then what is unread for the user. What needs the store is read as the
   * connection's own work (see sendQueue.ts): anything due to it meanwhile waits behind, in order.
   */
  connect(peer: Peer, user: User, options: ConnectOptions = {}): Connection {
    const { since, changes } = options;
    const connection = new Connection(`${this.tag}.${++this.connectionsMade}`, peer, user, options, this.options.log);
    this.connections.add(connection);
    // Before the `unread` counts (and the lobby's `list`): a message deleted while away is out of those counts already.
    if (since !== undefined) this.resume(connection, { since, changes }, [LOBBY], user.id);
    this.rooms.enter(connection, LOBBY, { history: since === undefined, announceToSelf: false });
    if (this.locks.has(LOBBY)) this.send(connection, { type: 'locked', room: LOBBY, locked: true });
    connection.later(async () => {
      // Read at once, sent in this order. Both are niceties: with the store out of reach the greeting goes on without them.
      const [unread, rooms] = await Promise.all([
        unlessUnavailable(this.store.unreadOf(user.id), []),
        // A page (`?rooms=changes`) that was offline learns the rooms it joined elsewhere meanwhile; it ignores those it has.
        connection.roomChanges ? unlessUnavailable(this.store.joinedRooms(user.id), []) : [],
      ]);
      // Only when something is unread: a client that just chats sees the contract's greeting and nothing more.
      if (unread.length > 0) connection.peer.send(jsonFrame({ type: 'unread', data: unread } satisfies ServerMessage));
      for (const room of rooms) if (room.name !== LOBBY) connection.peer.send(jsonFrame(joinedMessage(room) satisfies ServerMessage));
    });
    return connection;
  }

  /**
   * One text frame from a connection. A connection's frames are handled one after another, each
   * once the one before is done (its reads answered, its writes committed), so that what one
   * does is seen by the next.
   */
  receive(connection: Connection, text: string): void {
    connection.handling = connection.handling.then(() => this.handle(connection, text));
  }

  /** Parses a frame and runs the command for its type; a refusal becomes the `error` frame. */
  private async handle(connection: Connection, text: string): Promise<void> {
    if (!connection.peer.isOpen) return;
    const parsed = parseClientMessage(text, { maxMessageLength: this.options.maxMessageLength });
    try {
      // A frame that does not parse is a frame all the same: it counts, or a flood of them would be free.
      if (!parsed.ok) {
        await this.limits.takeFrame(connection);
        throw new ChatError(parsed.code, parsed.message);
      }
      const message = parsed.message;
      // Chats and DMs have a limit of their own, counted where they are sent.
      if (message.type !== 'chat' && message.type !== 'dm') await this.limits.takeFrame(connection);
      await (commands[message.type] as Command<ClientMessage['type']>)(this, connection, message as never);
    } catch (error) {
      this.answer(connection, error, parsed.ok ? parsed.message.ref : parsed.ref);
    }
  }

  /**
   * What went wrong with a frame, told to its connection: a refusal (the store out of reach among
   * them) as the `error` frame with the frame's ref, the connection kept. Anything else is a bug,
   * and must not take the whole process down: this one connection is dropped instead (it resumes).
   */
  private answer(connection: Connection, error: unknown, ref: string | undefined): void {
    const refusal = refusalOf(error);
    if (refusal) {
      if (refusal.code === 'unavailable') this.options.log('store_unavailable', { user: connection.user.id, error: String(error) });
      this.send(connection, errorMessage(refusal, ref));
      return;
    }
    this.options.log('message_failed', { user: connection.user.id, error: String(error) });
    connection.peer.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
  }

  /** The socket closed: out of every room it was in. */
  disconnect(connection: Connection): void {
    if (!this.connections.remove(connection)) return;
    connection.closed();
    for (const room of [...connection.rooms]) this.rooms.leave(connection, room);
  }

  send(connection: Connection, message: ServerMessage): void {
    connection.send(jsonFrame(message));
  }

  resume(connection: Connection, from: ResumePoint, rooms: string[], dmsOf?: string): void {
    // Gapless: what comes after a replay assumes it was sent whole, so one cut short closes the connection (it resumes).
    connection.later(() => replay(this.store, this.replays, connection, from, rooms, dmsOf), { gapless: true });
  }

  /** Online users per room, every room `viewer` may see (private ones only when a member), in creation order. */
  async roomsWithUsers(viewer: string): Promise<{ name: string; users: User[] }[]> {
    const all = await this.store.listRooms();
    const mine = all.some((room) => room.private) ? new Set(await this.store.roomsOf(viewer)) : new Set<string>();
    return all.filter((room) => !room.private || mine.has(room.name)).map((room) => ({ name: room.name, users: this.rooms.usersIn(room.name) }));
  }

  usersIn(room: string): User[] {
    return this.rooms.usersIn(room);
  }

  /**
   * Tells everyone a room was made, archived or deleted (once the store has committed it); a
   * private room only its `members` (read before a delete takes them). Resolves once published,
   * so the HTTP answer comes after.
   */
  async announceRoom(change: RoomChange, name: string, members?: string[]): Promise<void> {
    const names = (await this.store.listRooms()).filter((room) => !room.private).map((room) => room.name);
    this.bus.publish(members ? { kind: 'roomChange', change, room: name, names, members } : { kind: 'roomChange', change, room: name, names });
  }

  /** Closes every connection of a user (sign-out), or of one of their sessions, in every process. */
  disconnectUser(userId: string, code: number, reason: string, sessionId?: string): void {
    this.bus.publish(sessionId === undefined ? { kind: 'disconnect', userId, code, reason } : { kind: 'disconnect', userId, sessionId, code, reason });
  }

  /** Runs at the start of each outbox flush: presence that is due joins this tick's writes. */
  beforeWrite(): void {
    this.rooms.presence.flushDue();
  }

  /** Everything waiting goes out now: presence, then every queued frame (shutdown). */
  flushAll(): void {
    this.rooms.flushAll();
    this.options.flusher.flush();
  }

  /** Drops rate-limit entries of users who have gone quiet. */
  sweep(now = Date.now()): void {
    this.limits.sweep(now);
    this.typing.sweep(now);
    this.replays.sweep(now);
  }

  /**
   * A clean stop begins: the other processes drop this one's users at once, and are not told of
   * each socket closing after it, one event instead of one per connection and room.
   */
  goodbye(): void {
    this.presenceSync.stop();
  }

  /** Stops: goodbye (if not said yet), and this hub hears nothing more. */
  stop(): void {
    this.presenceSync.stop();
    this.unsubscribe();
    this.rooms.stop();
    this.counts.stop();
    this.options.flusher.flush();
  }

  private deliver(event: BusEvent): void {
    if (event.kind === 'room' || event.kind === 'users') this.recent.remember(event.message);
    if (event.kind === 'roomLock') this.locks.set(event.room, event.locked);
    if (event.kind === 'roomChange') this.counts.setPublic(event.names);
    deliver(event, this.connections, this.rooms, this.presenceSync);
  }
}
