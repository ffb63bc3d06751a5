import { WebSocket, type WebSocketServer } from 'ws';

/** Closes every socket with the code and resolves once they are all gone, or after `waitMs` (the rest are cut). */
export async function closeAll(wss: WebSocketServer, code: number, reason: string, waitMs = 3000): Promise<void> {
  const sockets = [...wss.clients];
  const closed = sockets.map(
    (socket) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(code, reason);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([Promise.all(closed), timeout]);
  clearTimeout(timer);
  for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}
