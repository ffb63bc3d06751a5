import type { IncomingMessage } from 'node:http';

/**
 * Whether a request may act for the signed-in user: no `Origin` (a program, not a browser), the
 * site's own origin (the host the request was made to, over http or https), or one configured in
 * ALLOWED_ORIGINS. Used for the WebSocket upgrade and for state-changing HTTP requests alike.
 */
export function isAllowedOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowedOrigins.includes(parsed.origin)) return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const host = req.headers.host;
  if (!host) return false;
  try {
    return new URL(`${parsed.protocol}//${host}`).host === parsed.host;
  } catch {
    return false;
  }
}

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
