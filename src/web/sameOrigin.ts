import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Whether the request reached the site over https: a TLS socket, or behind a trusted proxy the
 * first `X-Forwarded-Proto` (the one Koa's `ctx.secure` reads, so pages and upgrades agree).
 */
export function isHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  return trustProxy && typeof proto === 'string' && proto.split(',', 1)[0]?.trim().toLowerCase() === 'https';
}

/**
 * Whether `origin` (an `Origin` header, or the origin of a `Referer`) is the site's own or one
 * configured in ALLOWED_ORIGINS. The site's own origin is the host the request was made to, over
 * https, or over http too while the site is reached over http: a page served over http cannot
 * speak for a site served over https.
 */
export function isOwnOrigin(origin: string, req: IncomingMessage, allowedOrigins: readonly string[], trustProxy: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowedOrigins.includes(parsed.origin)) return true;
  if (parsed.protocol !== 'https:' && (parsed.protocol !== 'http:' || isHttps(req, trustProxy))) return false;
  const host = req.headers.host;
  if (!host) return false;
  try {
    return new URL(`${parsed.protocol}//${host}`).host === parsed.host;
  } catch {
    return false;
  }
}

/**
 * Whether a request may act for the signed-in user: no `Origin` (a program, not a browser), or
 * the site's own origin (`isOwnOrigin`). Used for the WebSocket upgrade and for state-changing
 * HTTP requests alike.
 */
export function isAllowedOrigin(req: IncomingMessage, allowedOrigins: readonly string[], trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  return origin === undefined || isOwnOrigin(origin, req, allowedOrigins, trustProxy);
}

/**
 * Whether another site's page sent the request (a link, an image, a form there): the browser's
 * `Sec-Fetch-Site` says so (`cross-site`, or `same-site` for a sibling host), or an `Origin` or a
 * `Referer` is not the site's own. A typed address, a bookmark and the site's own links are not.
 */
export function fromAnotherSite(req: IncomingMessage, allowedOrigins: readonly string[], trustProxy: boolean): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const { origin, referer } = req.headers;
  if (origin !== undefined && !isOwnOrigin(origin, req, allowedOrigins, trustProxy)) return true;
  return referer !== undefined && !isOwnOrigin(referer, req, allowedOrigins, trustProxy);
}
