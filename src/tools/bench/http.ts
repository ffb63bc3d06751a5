// HTTP for the load generator: sign-in per the contract (POST /signin, JSON, keep every cookie)
// and timed requests, over keep-alive connections.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { User } from '../../shared/protocol.js';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** From sending the request to its last byte, before the body is decoded (the generator's own work). */
  elapsedMs: number;
}

export interface Account {
  user: User;
  /** Every cookie the sign-in set (`user`, `user.sig`, `sid`, `sid.sig`, …), as a Cookie header. */
  cookie: string;
}

/** A keep-alive agent with up to `sockets` connections. */
export function keepAlive(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

export function request(
  base: string,
  method: string,
  pathname: string,
  options: { agent?: http.Agent; body?: object; cookie?: string; timeoutMs?: number } = {},
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
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        agent: options.agent ?? false,
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

/** `POST /signin` with `{"name"}` as JSON; throws unless it answers 200 with the user. */
export async function signIn(base: string, name: string, agent?: http.Agent): Promise<Account> {
  const answer = await request(base, 'POST', '/signin', { body: { name }, ...(agent ? { agent } : {}) });
  if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  const user = (JSON.parse(answer.body) as { data: User }).data;
  return { user, cookie: cookieHeader(answer) };
}

/** Runs `fn` over 0..n-1 with at most `limit` at once. */
export async function pool<R>(n: number, limit: number, fn: (index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const index = next++;
      results[index] = await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return results;
}

/** Signs in `n` distinct users (`<prefix> <i>`), `concurrency` at a time over keep-alive connections. */
export async function signInMany(base: string, n: number, prefix: string, concurrency = 32): Promise<Account[]> {
  const agent = keepAlive(concurrency);
  try {
    return await pool(n, concurrency, (i) => signIn(base, `${prefix} ${i}`, agent));
  } finally {
    agent.destroy();
  }
}
