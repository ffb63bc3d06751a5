// Every TCP connection to the server, HTTP and WebSocket alike, before Node's HTTP parser gets it:
// a cap on how many are open at once (beyond it a polite 503, not a reset), and an end for those
// that never send a byte, which Node's headersTimeout does not cover (it starts at the first byte).
import type http from 'node:http';
import type net from 'node:net';
import { catalogue } from '../shared/i18n/index.js';

export interface GateOptions {
  /** Open connections at most; 0 means no cap. */
  maxConnections: number;
  /** A connection that has sent nothing after this long is closed. */
  silentMs: number;
}

/** Seconds a refused client is asked to wait before trying again. */
const RETRY_AFTER_S = 10;
/** How long a refused connection may stay open for its client to read the refusal. */
const LINGER_MS = 2000;

// Written before any request is read, so the reader's language is unknown: both of the site's.
const BUSY = `${catalogue('en')['error.busy']}\n${catalogue('zh-CN')['error.busy']}\n`;
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  `Retry-After: ${RETRY_AFTER_S}\r\nContent-Length: ${Buffer.byteLength(BUSY)}\r\n\r\n${BUSY}`;

/** Answers a connection over the cap with a 503 and hangs up once the client has read it. */
function refuse(socket: net.Socket): void {
  socket.on('error', () => socket.destroy());
  socket.end(REFUSAL);
  // Reading (and dropping) what the client sends makes the close a FIN, not a reset that could
  // discard the refusal before the client reads it.
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
}

/** Puts the gate in front of the server's own connection handling; returns the number open now. */
export function gateConnections(server: http.Server, options: GateOptions): () => number {
  // Node's HTTP server takes each socket in its own 'connection' listener: from now on it is
  // called for admitted sockets only.
  const handlers = server.listeners('connection') as ((socket: net.Socket) => void)[];
  server.removeAllListeners('connection');
  let open = 0;
  server.on('connection', (socket: net.Socket) => {
    if (options.maxConnections > 0 && open >= options.maxConnections) return refuse(socket);
    open++;
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, options.silentMs);
    socket.once('close', () => {
      open--;
      clearTimeout(silent);
    });
    for (const handler of handlers) handler.call(server, socket);
  });
  return () => open;
}
