import type { WebSocket, WebSocketServer } from 'ws';

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
