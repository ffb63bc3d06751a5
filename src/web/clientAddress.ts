import type { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket's peer, or behind a trusted proxy the address nginx appended
 * to X-Forwarded-For (the last one: whatever the client wrote before it is not to be believed).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
