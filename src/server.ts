// Wires the pieces together and listens; everything else lives in its own module.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Bus } from './bus/bus.js';
import { InProcessBus } from './bus/inProcess.js';
import { RedisBus } from './bus/redis.js';
import { Hub } from './chat/hub.js';
import { SEQUENCER_TIMES } from './chat/gapFiller.js';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import { Identity } from './identity/identity.js';
import { startSweeping } from './identity/upkeep.js';
import { loadSecret, loadSharedSecret } from './identity/secret.js';
import type { Counters } from './limits/counters.js';
import { LocalCounters } from './limits/localCounters.js';
import { RedisCounters } from './limits/redisCounters.js';
import { createLog, type Log } from './log.js';
import { shutdownOrder } from './shutdown.js';
import { PostgresStore } from './store/postgres/index.js';
import { SqliteStore } from './store/sqlite/index.js';
import type { Store } from './store/store.js';
import { gateConnections } from './transport/connectionGate.js';
import { startHeartbeat } from './transport/heartbeat.js';
import { Outbox } from './transport/outbox.js';
import type { SocketPeer } from './transport/socketPeer.js';
import { createUpgradeHandler } from './transport/upgrade.js';

export interface RunningServer {
  server: http.Server;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  /** Stops cleanly: no new work, every socket closed with 1001, the store closed. */
  close(): Promise<void>;
}

/** How often Node looks for requests past their timeouts: a fifth of the headers timeout late at most. */
const checkInterval = (headersTimeoutMs: number) => Math.min(30_000, Math.max(50, Math.floor(headersTimeoutMs / 5)));

/**
 * What a caller may hand in instead of what the configuration would make: the tests run the
 * whole suite on a bus that delivers later (bus/deferred.ts), and watch a real store or bus.
 */
export interface Parts {
  bus?: Bus;
  store?: Store;
}

/**
 * The store the configuration asks for, and the keys that sign cookies: PostgreSQL with
 * DATABASE_URL (waited for up to DATABASE_WAIT_MS, its schema migrated before anything listens;
 * the keys kept in it unless SECRET is set, shared by every process), else SQLite in DATA_DIR
 * with the keys in its `secret` file.
 */
async function openStore(config: Config, given: Store | undefined, log: Log): Promise<{ store: Store; keys: string[] }> {
  if (given) return { store: given, keys: loadSecret(config.dataDir, config.secret) };
  if (config.databaseUrl === undefined) {
    return { store: new SqliteStore(config.dataDir, { searchTimeoutMs: config.searchTimeoutMs }), keys: loadSecret(config.dataDir, config.secret) };
  }
  const wait = {
    waitMs: config.databaseWaitMs,
    onWaiting: (reason: Error, waitedMs: number) => log('store_waiting', { waitedMs, limitMs: config.databaseWaitMs, error: reason.message }),
  };
  const store = await PostgresStore.open(config.databaseUrl, { searchTimeoutMs: config.searchTimeoutMs, commitDelayMs: config.commitDelayMs, wait });
  try {
    return { store, keys: await loadSharedSecret(config.secret, (candidate) => store.keptKeys(candidate)) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * The bus the configuration asks for: Redis with REDIS_URL (several processes; the server starts
 * without it, and serves its own clients, when Redis cannot be reached yet), else this process's own.
 */
async function openBus(config: Config, log: Log): Promise<Bus> {
  if (config.redisUrl === undefined) return new InProcessBus();
  return RedisBus.connect({ url: config.redisUrl, prefix: config.redisPrefix, log });
}

/**
 * Where the limits are counted: with REDIS_URL in Redis, for the whole site (the process starts
 * counting on its own when Redis cannot be reached yet), else in this process's memory.
 */
async function openCounters(config: Config, log: Log): Promise<Counters> {
  if (config.redisUrl === undefined) return new LocalCounters();
  return RedisCounters.connect({ url: config.redisUrl, prefix: config.redisPrefix, log });
}

/** How often the counters kept in memory forget the keys that have gone quiet. */
const SWEEP_MS = 60_000;

export async function startServer(config: Config, parts: Parts = {}): Promise<RunningServer> {
  const log = createLog(config.quiet);
  const { store, keys } = await openStore(config, parts.store, log);
  const identity = new Identity({ keys, store, maxAgeMs: config.sessionMaxAgeMs });
  // Both wait a little for Redis when it cannot be reached yet: side by side, not one after the other.
  const [bus, counters] = await Promise.all([parts.bus ?? openBus(config, log), openCounters(config, log)]);
  const sweepCounters = setInterval(() => counters.sweep(), SWEEP_MS);
  sweepCounters.unref();
  // The outbox commits what this turn wrote before each write (a read may have seen it already).
  const outbox: Outbox<SocketPeer> = new Outbox<SocketPeer>({
    maxBufferedBytes: config.maxBufferedBytes,
    beforeFlush: () => hub.beforeWrite(),
    commit: () => store.commitPending(),
    onSlowReader: (peer, buffered) => log('slow_reader_dropped', { user: peer.userId, buffered }),
    onFlushFailed: (error) => log('commit_failed', { error: String(error) }),
  });
  // Several processes may write to PostgreSQL: their messages reach the bus in any order, the sequencer mends it.
  const sequence = config.databaseUrl === undefined ? undefined : SEQUENCER_TIMES;
  const hub = new Hub({ store, bus, log, flusher: outbox, ...config, counters, sequence });
  await hub.start();
  let accepting = true;
  const isAccepting = () => accepting;

  const app = createApp({ store, hub, identity, log, ...config, counters, accepting: isAccepting });
  // Public-server timeouts: a client gets this long to send its headers, and twice that for its whole request.
  const server = http.createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: 2 * config.headersTimeoutMs,
      connectionsCheckingInterval: checkInterval(config.headersTimeoutMs),
    },
    app.callback(),
  );
  gateConnections(server, { maxConnections: config.maxConnections, silentMs: config.headersTimeoutMs });

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes, perMessageDeflate: false });
  const blockedUntil = (address: string) => store.moderation.blockedUntil(address, Date.now());
  server.on('upgrade', createUpgradeHandler({ wss, identity, chat: hub, outbox, log, ...config, counters, blockedUntil, accepting: isAccepting }));
  const stopHeartbeat = startHeartbeat(wss, config.heartbeatMs, () => hub.sweep());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // A Redis bus's connections would keep trying (and the process running) for nothing.
    if (!parts.bus) await bus.close();
    clearInterval(sweepCounters);
    await counters.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log('listening', { url: `http://${host}:${port}`, store: config.databaseUrl === undefined ? 'sqlite' : 'postgres', bus: bus instanceof RedisBus ? 'redis' : 'process', limits: counters instanceof RedisCounters ? 'redis' : 'process', dataDir: config.dataDir });

  const stopSweeping = startSweeping(store, config.sessionMaxAgeMs, log);
  const stop = shutdownOrder({ server, wss, hub, bus, counters, store, log, stopHeartbeat, stopAccepting: () => (accepting = false) });
  const close = () => {
    stopSweeping();
    clearInterval(sweepCounters);
    return stop();
  };
  return { server, url: `http://${host}:${port}`, port, close };
}
