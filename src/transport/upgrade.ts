// The WebSocket's way in: the `upgrade` listener of the shared http.Server. 404 off `/ws/chat`,
// 403 for a foreign Origin, 503 while stopping, 429 past the per-address cap; then the handshake,
// the identity (4001 without one), the per-user cap (1008), and the socket handed to the chat.
// While the store cannot be reached the identity cannot be read: 1013, and the client tries later.
// Both caps are counted where the counters are: with Redis, for the whole site.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import type { ConnectOptions, Connection, Peer } from '../chat/connection.js';
import type { Identity } from '../identity/identity.js';
import type { ConnectionCap, Counters } from '../limits/counters.js';
import type { Log } from '../log.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import {
  CHANGES_PARAM,
  CloseCode,
  COUNTS_LIVE,
  COUNTS_PARAM,
  CloseReason,
  PEOPLE_LAZY,
  PEOPLE_PARAM,
  PRESENCE_BATCH,
  PRESENCE_PARAM,
  ROOMS_CHANGES,
  ROOMS_PARAM,
  SINCE_PARAM,
  WS_PATH,
  type User,
} from '../shared/protocol/index.js';
import { clientAddress } from '../web/clientAddress.js';
import { isAllowedOrigin } from '../web/sameOrigin.js';
import { AddressCaps } from './addressCaps.js';
import type { Outbox } from './outbox.js';
import { SocketPeer } from './socketPeer.js';

/** What the transport needs of the chat core. */
export interface ChatEntry {
  connect(peer: Peer, user: User, options: ConnectOptions): Connection;
  receive(connection: Connection, text: string): void;
  disconnect(connection: Connection): void;
}

export interface UpgradeOptions {
  wss: WebSocketServer;
  identity: Identity;
  chat: ChatEntry;
  outbox: Outbox<SocketPeer>;
  allowedOrigins: readonly string[];
  log: Log;
  trustProxy: boolean;
  maxConnectionsPerUser: number;
  maxConnectionsPerAddress: number;
  counters: Counters;
  /** When a moderator's block of this address ends, if it is blocked now: the socket closes with 4003. */
  blockedUntil: (address: string) => Promise<number | undefined>;
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
  const raw = url.searchParams.get(SINCE_PARAM);
  if (raw === null || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/** `changes=<n>` from the query, only beside a `since` (alone it means nothing); anything else: none. */
export function parseChanges(url: URL): number | undefined {
  const raw = url.searchParams.get(CHANGES_PARAM);
  if (parseSince(url) === undefined || raw === null || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/** What the query asks of the connection (the page's extensions). */
function connectOptions(url: URL, sessionId: string | undefined): ConnectOptions {
  return {
    since: parseSince(url),
    changes: parseChanges(url),
    sessionId,
    batchPresence: url.searchParams.get(PRESENCE_PARAM) === PRESENCE_BATCH,
    lazyPeople: url.searchParams.get(PEOPLE_PARAM) === PEOPLE_LAZY,
    roomChanges: url.searchParams.get(ROOMS_PARAM) === ROOMS_CHANGES,
    liveCounts: url.searchParams.get(COUNTS_PARAM) === COUNTS_LIVE,
  };
}

export function createUpgradeHandler(options: UpgradeOptions) {
  const caps = new AddressCaps(options.counters, options.maxConnectionsPerAddress);
  const perUser = options.counters.cap('user', options.maxConnectionsPerUser);
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!isAllowedOrigin(req, options.allowedOrigins, options.trustProxy)) return refuse(socket, 403, 'Forbidden');
    if (!options.accepting()) return refuse(socket, 503, 'Service Unavailable');
    void (async () => {
      try {
        const address = clientAddress(req, options.trustProxy);
        if (!(await caps.admit(address, socket))) return socket.destroyed ? undefined : refuse(socket, 429, 'Too Many Requests');
        // Stopping began while the cap was asked: the closing sockets are counted already.
        if (!options.accepting()) return refuse(socket, 503, 'Service Unavailable');
        options.wss.handleUpgrade(req, socket, head, (ws) => upgraded(options, perUser, { url, req, address }, socket, ws));
      } catch (error) {
        options.log('upgrade_failed', { error: String(error) });
        socket.destroy();
      }
    })();
  };
}

/** The handshake is done: the identity, the per-user cap, then the socket handed to the chat. */
function upgraded(options: UpgradeOptions, perUser: ConnectionCap, request: { url: URL; req: IncomingMessage; address: string }, socket: Duplex, ws: WebSocket): void {
  const { url, req, address } = request;
  options.wss.emit('connection', ws, req);
  // Frames that come while the identity is read wait, in order, for the connection to exist.
  const early: { data: RawData; isBinary: boolean }[] = [];
  let onFrame: (data: RawData, isBinary: boolean) => void = (data, isBinary) => void early.push({ data, isBinary });
  ws.on('message', (data, isBinary) => onFrame(data, isBinary));
  ws.on('error', (error) => options.log('socket_error', { error: error.message }));
  void (async () => {
    try {
      const [identified, blocked] = await Promise.all([
        options.identity.identify(req),
        options.blockedUntil(address),
      ]);
      if (ws.readyState !== WebSocket.OPEN) return;
      // After the handshake, so that the page can tell this apart and say so (an upgrade's status it cannot read).
      if (blocked !== undefined) return ws.close(CloseCode.ADDRESS_BLOCKED, CloseReason.ADDRESS_BLOCKED);
      if (!identified) return ws.close(CloseCode.INVALID_USER, CloseReason.INVALID_USER);
      const { user } = identified;
      const admitted = await perUser.admit(user.id);
      if (!admitted) return ws.close(CloseCode.POLICY_VIOLATION, CloseReason.TOO_MANY_CONNECTIONS);
      if (ws.readyState !== WebSocket.OPEN) return admitted.release();
      ws.on('close', () => admitted.release());
      const peer = new SocketPeer(ws, socket, options.outbox, user.id);
      const connection = options.chat.connect(peer, user, connectOptions(url, identified.sessionId));
      onFrame = (data, isBinary) => {
        // Closing (a flood past its strikes, a sign-out): what it sent before our close is not read.
        if (!peer.isOpen) return;
        if (isBinary) return peer.close(CloseCode.UNSUPPORTED_DATA, CloseReason.BINARY);
        options.chat.receive(connection, data.toString());
      };
      for (const frame of early.splice(0)) onFrame(frame.data, frame.isBinary);
      ws.on('close', () => options.chat.disconnect(connection));
    } catch (error) {
      options.log('upgrade_failed', { error: String(error) });
      if (isStoreUnavailable(error)) ws.close(CloseCode.TRY_AGAIN_LATER, CloseReason.STORE_UNAVAILABLE);
      else ws.close(CloseCode.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR);
    }
  })();
}
