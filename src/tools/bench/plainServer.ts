/**
 * Reference server "plain": a chat broadcast the way tutorials write it with `ws`. For every
 * client, the message is turned into JSON and handed to `ws.send`, which frames it again; the
 * sender's copy carries its `ref`. Run by the benchmark as its own process:
 *
 *   PORT=0 node build/tools/bench/plainServer.js   → "Chat is running at http://127.0.0.1:PORT"
 */
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { chatFrom, GREETING, serve, userOf, WS_PATH } from './reference.js';

const server = http.createServer((_req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
});
const wss = new WebSocketServer({ server, path: WS_PATH, perMessageDeflate: false });

wss.on('connection', (ws, req) => {
  const user = userOf(req);
  ws.send(JSON.stringify(GREETING));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const chat = chatFrom(data.toString(), user);
    if (!chat) return;
    const { message, ref } = chat;
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      client.send(JSON.stringify(client === ws && ref !== undefined ? { ...message, ref } : message));
    }
  });
  ws.on('error', () => ws.terminate());
});

serve(server, () => {
  for (const client of wss.clients) client.terminate();
});
