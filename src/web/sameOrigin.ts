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
