// The order of a clean stop (SIGTERM, SIGINT, or a test's close()): nothing accepted before it is
// lost, every socket hears 1001, and the store is closed last.
import type http from 'node:http';
import type { WebSocketServer } from 'ws';
import type { Bus } from './bus/bus.js';
import type { Hub } from './chat/hub.js';
import type { Counters } from './limits/counters.js';
import type { Log } from './log.js';
import { CloseCode, CloseReason } from './shared/protocol/index.js';
import type { Store } from './store/store.js';
import { closeAll } from './transport/closeAll.js';

export interface Running {
  server: http.Server;
  wss: WebSocketServer;
  hub: Hub;
  bus: Bus;
  /** The limits' counters: with Redis, what this process held open stops counting at once. */
  counters: Counters;
  store: Store;
  log: Log;
  /** Stops new work: /healthz answers 503 and upgrades are refused from then on. */
  stopAccepting(): void;
  stopHeartbeat(): void;
}

/** Requests still running get this long to finish once the sockets are closed; then their connections are cut. */
const HTTP_GRACE_MS = 2000;

/** Returns `close()`: the first call stops everything in order, later calls wait for the same stop. */
export function shutdownOrder(running: Running): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      const { server, wss, hub, bus, counters, store, log } = running;
      running.stopAccepting();
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      running.stopHeartbeat();
      // What is queued (presence too) goes out before the close frames.
      hub.flushAll();
      // The other processes drop this one's users now, rather than hearing each socket close.
      hub.goodbye();
      await closeAll(wss, CloseCode.GOING_AWAY, CloseReason.GOING_AWAY);
      hub.stop();
      wss.close();
      const grace = setTimeout(() => server.closeAllConnections(), HTTP_GRACE_MS);
      await httpClosed;
      clearTimeout(grace);
      await bus.close();
      await counters.close();
      await store.close();
      log('stopped');
    })());
}
