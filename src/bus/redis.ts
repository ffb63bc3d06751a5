// The bus of several processes (REDIS_URL): Redis pub/sub on one channel, `${prefix}events`, one
// PUBLISH per turn of the event loop carrying that turn's events (at most one per event, whatever
// the number of recipients). While connected, a process's own events
// reach its subscribers when they come back from Redis, so that every subscriber of every process
// sees one order: the order Redis received them in. While not connected, events published here
// still reach this process's subscribers (on a later turn, through JSON) and are never kept for
// later; what other processes published meanwhile is missed, which `onConnectionChange` tells.
// An own event is never delivered twice here: one already delivered locally (its PUBLISH failed,
// or the connection dropped before it came back) is known by its number when it comes back after all.
import crypto from 'node:crypto';
import type { Log } from '../log.js';
import type { Bus, BusEvent } from './bus.js';
import { unwrap, wrap, type Envelope } from './envelope.js';
import { reasonOf, redisClient, type RedisClient } from './redisClient.js';

export interface RedisBusOptions {
  /** redis:// or rediss:// */
  url: string;
  /** Put before the channel's name (`chat:` → `chat:events`): several sites on one Redis, or tests. */
  prefix: string;
  log: Log;
}

/** Past this many events in one turn, they go in several PUBLISHes (each Redis message stays small). */
const MAX_EVENTS_PER_PUBLISH = 256;

/** How long `RedisBus.connect` waits for Redis before the process starts without it. */
const START_WAIT_MS = 3000;

/** The URL without its credentials, for the log. */
const shownUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');

export class RedisBus implements Bus {
  /**
   * A bus connected to Redis, or, when Redis cannot be reached within `waitMs`, one that is not
   * (yet): a warning is logged and it keeps trying, so that a process starts and serves its own
   * clients while Redis is away.
   */
  static async connect(options: RedisBusOptions, waitMs = START_WAIT_MS): Promise<RedisBus> {
    const bus = new RedisBus(options);
    if (!(await bus.connectedWithin(waitMs))) {
      options.log('bus_unreachable', {
        url: shownUrl(options.url),
        reason: bus.reason,
        note: 'starting without Redis: this process serves its own clients only, and keeps trying to reach it',
      });
    }
    return bus;
  }

  /** The one channel every process publishes and listens on. */
  readonly channel: string;
  private readonly log: Log;
  /** Tells this bus's events from other processes' when they come back. */
  private readonly tag = crypto.randomBytes(8).toString('hex');
  private seq = 0;
  private readonly listeners = new Set<(event: BusEvent) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  /** Own events published while connected, by seq, until they come back (their JSON). */
  private readonly awaitingEcho = new Map<number, string>();
  /** Own events for this process's subscribers only, on the next turn (their JSON). */
  private readonly localQueue: string[] = [];
  private localScheduled = false;
  /** This turn's events still to be published (their JSON), and the seq of the first. */
  private outgoing: string[] = [];
  private outgoingSeq = 0;
  private readonly publishNow = () => this.publishTurn();
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  /** Whether the subscriber's SUBSCRIBE was answered once; node-redis renews it on every reconnect. */
  private subscribed = false;
  private subscribing = false;
  private isConnected = false;
  private reason = 'not connected yet';
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(options: RedisBusOptions) {
    this.channel = `${options.prefix}events`;
    this.log = options.log;
    const onError = (error: Error) => {
      this.reason = reasonOf(error);
      this.update();
    };
    this.publisher = redisClient({ url: options.url, name: 'chat-bus-publisher', queueWhileDown: false, onError });
    this.subscriber = redisClient({ url: options.url, name: 'chat-bus-subscriber', queueWhileDown: true, onError });
    for (const client of [this.publisher, this.subscriber]) {
      for (const event of ['ready', 'end', 'reconnecting'] as const) client.on(event, () => this.update());
      // It settles only when closed before a first connection; failed attempts come as 'error'.
      client.connect().catch(() => {});
    }
    // A reconnect's 'ready' comes once node-redis has subscribed again; the first one needs asking.
    this.subscriber.on('ready', () => this.subscribeOnce());
  }

  get connected(): boolean {
    return this.isConnected;
  }

  publish(event: BusEvent): void {
    if (this.closed) return;
    const json = JSON.stringify(event);
    const seq = ++this.seq;
    if (this.isConnected) this.awaitingEcho.set(seq, json);
    else this.deliverLocally(json);
    // One PUBLISH for the turn's events: a busy room's turn of messages costs a round trip, not one each.
    if (this.outgoing.length === 0) {
      this.outgoingSeq = seq;
      setImmediate(this.publishNow);
    }
    this.outgoing.push(json);
  }

  private publishTurn(): void {
    const jsons = this.outgoing;
    const firstSeq = this.outgoingSeq;
    this.outgoing = [];
    if (this.closed || !this.publisher.isReady) return;
    for (let start = 0; start < jsons.length; start += MAX_EVENTS_PER_PUBLISH) {
      const part = jsons.slice(start, start + MAX_EVENTS_PER_PUBLISH);
      const seq = firstSeq + start;
      const failed = (error: unknown) => {
        // Not published, or unknown: here at least. Their echo, should it come after all, is dropped.
        for (let i = 0; i < part.length; i++) {
          const waiting = this.awaitingEcho.get(seq + i);
          if (waiting === undefined) continue;
          this.awaitingEcho.delete(seq + i);
          this.deliverLocally(waiting);
        }
        this.reason = reasonOf(error);
      };
      try {
        this.publisher.publish(this.channel, wrap(this.tag, seq, part)).catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Quits both connections (what is being published is sent first); later calls wait for the same. */
  close(): Promise<void> {
    if (!this.closed && this.outgoing.length > 0) this.publishTurn();
    this.closed = true; // before the connections end, so that their ending is not reported as an outage
    return (this.closing ??= (async () => {
      this.listeners.clear();
      this.connectionListeners.clear();
      this.awaitingEcho.clear();
      this.localQueue.length = 0;
      this.outgoing = [];
      await Promise.all([quit(this.publisher), quit(this.subscriber)]);
    })());
  }

  /** Whether the bus is connected now or becomes so within `ms`. */
  private connectedWithin(ms: number): Promise<boolean> {
    if (this.isConnected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (connected: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(connected);
      };
      const timer = setTimeout(() => done(false), ms);
      const stop = this.onConnectionChange((connected) => connected && done(true));
    });
  }

  private subscribeOnce(): void {
    if (this.subscribed || this.subscribing || this.closed) return;
    this.subscribing = true;
    this.subscriber.subscribe(this.channel, (message) => this.received(message)).then(
      () => {
        this.subscribing = false;
        this.subscribed = true;
        this.update();
      },
      (error: unknown) => {
        this.subscribing = false;
        this.reason = reasonOf(error);
        // Refused by Redis (an ACL, say): asked again. Cut off: node-redis subscribes on reconnecting.
        if (!this.subscriber.isPubSubActive) setTimeout(() => this.subscriber.isReady && this.subscribeOnce(), 1000).unref();
        else this.subscribed = true;
        this.update();
      },
    );
  }

  /** Follows both connections: connected once both are up and the channel is subscribed. */
  private update(): void {
    if (this.closed) return;
    const connected = this.publisher.isReady && this.subscriber.isReady && this.subscribed;
    if (connected === this.isConnected) return;
    this.isConnected = connected;
    if (connected) {
      this.log('bus_connected', { channel: this.channel });
      this.reason = 'connection closed'; // until an error says more
    } else {
      this.log('bus_disconnected', { channel: this.channel, reason: this.reason });
      // Own events that may never come back now: delivered here, in the order published.
      for (const json of this.awaitingEcho.values()) this.deliverLocally(json);
      this.awaitingEcho.clear();
    }
    for (const listener of [...this.connectionListeners]) {
      try {
        listener(connected);
      } catch (error) {
        this.log('bus_listener_failed', { connected, error: describe(error) });
      }
    }
  }

  private received(message: string): void {
    const envelope: Envelope | undefined = unwrap(message);
    if (!envelope) {
      this.log('bus_unreadable_message', { channel: this.channel, bytes: message.length });
      return;
    }
    const own = envelope.from === this.tag;
    envelope.events.forEach((event, i) => {
      // An own event delivered here already (its PUBLISH failed, or the bus was cut off) is not delivered twice.
      if (own && !this.awaitingEcho.delete(envelope.seq + i)) return;
      this.deliver(event);
    });
  }

  private deliverLocally(json: string): void {
    this.localQueue.push(json);
    if (this.localScheduled) return;
    this.localScheduled = true;
    setImmediate(() => {
      this.localScheduled = false;
      for (const text of this.localQueue.splice(0)) this.deliver(JSON.parse(text) as BusEvent);
    });
  }

  /** To every subscriber, each its own copy. A subscriber that throws is logged, not let loose in node-redis. */
  private deliver(event: BusEvent): void {
    let first = true;
    for (const listener of [...this.listeners]) {
      try {
        listener(first ? event : structuredClone(event));
      } catch (error) {
        this.log('bus_listener_failed', { kind: event.kind, error: describe(error) });
      }
      first = false;
    }
  }
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** Closes a client, waiting for what it is sending; a client that does not finish soon is cut. */
async function quit(client: RedisClient): Promise<void> {
  const cut = setTimeout(() => client.destroy(), 1000);
  try {
    await client.close();
  } catch {
    // Closed already.
  } finally {
    clearTimeout(cut);
  }
}
