// HTTP for the tools (bench and stress): one request at a time, the whole body read, over
// keep-alive agents or fresh connections, from a chosen source address when asked.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** From sending the request to its last byte, before the body is decoded (the caller's own work). */
  elapsedMs: number;
}

/** A keep-alive agent with up to `sockets` connections. */
export function keepAlive(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

export function request(
  base: string | URL,
  method: string,
  pathname: string,
  options: { agent?: http.Agent; body?: object; cookie?: string; timeoutMs?: number; localAddress?: string } = {},
): Promise<Answer> {
  const url = new URL(pathname, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: http.OutgoingHttpHeaders = { accept: payload === undefined ? 'text/html' : 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  if (options.cookie) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const req = http.request(
      {
        // An IPv6 literal is bracketed in a URL, not in a host name.
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 80,
        method,
        path: url.pathname + url.search,
        agent: options.agent ?? false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        timeout: options.timeoutMs ?? 30_000,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const elapsedMs = performance.now() - began;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The Cookie header for every cookie a response set. */
export function cookieHeader(answer: Answer): string {
  return (answer.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ');
}

