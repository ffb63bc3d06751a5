import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Hub } from '../chat/hub.js';
import type { Identity } from '../identity/identity.js';
import type { Log } from '../log.js';
import { isAllowedOrigin } from '../web/sameOrigin.js';
import { clientAddress } from '../web/clientAddress.js';
import { CloseCode, CloseReason, PEOPLE_LAZY, PRESENCE_BATCH, WS_PATH } from '../shared/protocol/index.js';

export interface UpgradeOptions {
  wss: WebSocketServer;
  identity: Identity;
  hub: Hub;
  allowedOrigins: readonly string[];
  log: Log;
  trustProxy: boolean;
  maxConnectionsPerUser: number;
  maxConnectionsPerAddress: number;
  /** False once shutdown has begun: new upgrades are refused with 503. */
  accepting: () => boolean;
}

/** Answers an upgrade request with a plain HTTP error and hangs up. */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** `since=<id>` from the query, when it is a message id; anything else means a fresh start. */
export function parseSince(url: URL): number | undefined {
  const raw = url.searchParams.get('since');
  if (raw === null || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * The `upgrade` listener for the shared http.Server: 404 off `/ws/chat`, 403 for a foreign Origin,
 * then the handshake; without a valid identity the socket is closed at once with 4001.
 */
export function createUpgradeHandler(options: UpgradeOptions) {
  const connectionsByAddress = new Map<string, number>();
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!isAllowedOrigin(req, options.allowedOrigins)) return refuse(socket, 403, 'Forbidden');
    if (!options.accepting()) return refuse(socket, 503, 'Service Unavailable');
    // Counted before the handshake, so a burst from one address costs no more than a refusal.
    const address = clientAddress(req, options.trustProxy);
    const open = connectionsByAddress.get(address) ?? 0;
    if (options.maxConnectionsPerAddress > 0 && open >= options.maxConnectionsPerAddress) {
      return refuse(socket, 429, 'Too Many Requests');
    }
    connectionsByAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (connectionsByAddress.get(address) ?? 1) - 1;
      if (left > 0) connectionsByAddress.set(address, left);
      else connectionsByAddress.delete(address);
    });
    options.wss.handleUpgrade(req, socket, head, (ws) => {
      options.wss.emit('connection', ws, req);
      try {
        const identified = options.identity.identify(req);
        if (!identified) {
          ws.close(CloseCode.INVALID_USER, CloseReason.INVALID_USER);
          return;
        }
        const perUser = options.maxConnectionsPerUser;
        if (perUser > 0 && options.hub.connectionsOf(identified.user.id) >= perUser) {
          ws.close(CloseCode.POLICY_VIOLATION, CloseReason.TOO_MANY_CONNECTIONS);
          return;
        }
        options.hub.connect(ws, socket, identified.user, {
          since: parseSince(url),
          sessionId: identified.sessionId,
          batchPresence: url.searchParams.get('presence') === PRESENCE_BATCH,
          lazyPeople: url.searchParams.get('people') === PEOPLE_LAZY,
        });
      } catch (error) {
        options.log('upgrade_failed', { error: String(error) });
        ws.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
      }
    });
  };
}

/**
 * Pings every socket each interval and ends those that did not answer the previous ping, so dead
 * peers (a laptop lid closed, a dropped Wi-Fi) do not linger as "online".
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number, onTick?: () => void): () => void {
  const alive = new WeakSet<WebSocket>();
  const markAlive = function (this: WebSocket) {
    alive.add(this);
  };
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', markAlive);
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
    onTick?.();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
