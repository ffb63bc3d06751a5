/**
 * Reference server "frame-once": the same protocol as plainServer.ts, but each message is
 * serialized and framed once (src/frame.ts) and the same bytes are queued for every socket; on
 * `setImmediate` each socket's queue goes out corked, straight to the raw TCP socket. A socket with
 * more than WRITE_CAP bytes waiting is skipped (its messages are lost, and the benchmark says so).
 * This is the practical limit the product is measured against.
 *
 *   PORT=0 node build/tools/bench/frameOnceServer.js   → "Chat is running at http://127.0.0.1:PORT"
 */
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { jsonFrame } from '../../transport/frame.js';
import { chatFrom, GREETING, isChatPath, serve, userOf } from './reference.js';

/** Bytes that may wait in one socket's buffer before it is skipped: the product's default cap. */
const WRITE_CAP = 4 * 1024 * 1024;

interface Peer {
  ws: WebSocket;
  socket: net.Socket;
  queue: Buffer[];
}

const peers = new Set<Peer>();
const dirty: Peer[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  for (const peer of dirty) {
    const { socket, queue } = peer;
    if (!socket.destroyed) {
      socket.cork();
      for (const frame of queue) socket.write(frame);
      socket.uncork();
    }
    queue.length = 0;
  }
  dirty.length = 0;
}

function queue(peer: Peer, frame: Buffer): void {
  if (peer.socket.writableLength > WRITE_CAP) return;
  if (peer.queue.length === 0) dirty.push(peer);
  peer.queue.push(frame);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

const GREETING_FRAME = jsonFrame(GREETING);

const server = http.createServer((_req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  if (!isChatPath(req)) {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  socket.on('error', () => socket.destroy());
  wss.handleUpgrade(req, socket, head, (ws) => {
    const user = userOf(req);
    const peer: Peer = { ws, socket: socket as net.Socket, queue: [] };
    peers.add(peer);
    queue(peer, GREETING_FRAME);
    ws.on('close', () => peers.delete(peer));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const chat = chatFrom(data.toString(), user);
      if (!chat) return;
      const { message, ref } = chat;
      const frame = jsonFrame(message);
      const own = ref === undefined ? frame : jsonFrame({ ...message, ref });
      for (const other of peers) queue(other, other === peer ? own : frame);
    });
  });
});

serve(server, () => {
  for (const peer of peers) peer.socket.destroy();
});
