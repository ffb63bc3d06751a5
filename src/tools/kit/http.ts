// HTTP for the tests, the bench and the stress run: one request at a time, the whole body read,
// over keep-alive agents or fresh connections, from a chosen source address when asked; and
// signing in per the contract (POST /signin, JSON, keep every cookie), one user or many.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { User } from '../../shared/protocol/index.js';
import { pool, range } from './wait.js';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text; empty when it was asked to be dropped (`dropBody`). */
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
  options: {
    agent?: http.Agent;
    body?: object;
    cookie?: string;
    timeoutMs?: number;
    localAddress?: string;
    /**
     * Read the body and drop it: a timed request whose page is not looked at then leaves no
     * string of it behind, whose garbage would pause the next requests' timings.
     */
    dropBody?: boolean;
  } = {},
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
        res.on('data', (chunk: Buffer) => {
          if (!options.dropBody) chunks.push(chunk);
        });
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

/** The Cookie header for every cookie a response set: an answer of `request`, or a fetch Response. */
export function cookieHeader(answer: Pick<Answer, 'headers'> | Response): string {
  const lines = answer.headers instanceof Headers ? answer.headers.getSetCookie() : (answer.headers['set-cookie'] ?? []);
  return lines.map((line) => line.split(';')[0]).join('; ');
}

export interface Account {
  user: User;
  /** Every cookie the sign-in set (`user`, `user.sig`, `sid`, `sid.sig`, …), as a Cookie header. */
  cookie: string;
  /** The source address it signed in from, for its connections to come from too (when chosen). */
  local?: string;
}

export interface SignInOptions {
  /** A keep-alive agent; a fresh connection when left out. */
  agent?: http.Agent;
  /** The source address (127.x.y.z: each its own per-address allowances). */
  localAddress?: string;
  timeoutMs?: number;
}

/** `POST /signin` with `{"name"}` as JSON: the status, and the account when it answered 200. */
export async function trySignIn(base: string | URL, name: string, options: SignInOptions = {}): Promise<{ status: number; account?: Account; answer: Answer }> {
  const answer = await request(base, 'POST', '/signin', { ...options, body: { name } });
  if (answer.status !== 200) return { status: answer.status, answer };
  const user = (JSON.parse(answer.body) as { data: User }).data;
  const local = options.localAddress;
  const account: Account = { user, cookie: cookieHeader(answer), ...(local === undefined ? {} : { local }) };
  return { status: 200, account, answer };
}

const refused = (answer: Answer) => new Error(`sign-in answered ${answer.status}: ${answer.body.slice(0, 200)}`);

/** `POST /signin`; throws unless it answers 200 with the user. */
export async function signIn(base: string | URL, name = 'Tester', options: SignInOptions = {}): Promise<Account> {
  const { account, answer } = await trySignIn(base, name, options);
  if (!account) throw refused(answer);
  return account;
}

export interface ManyOptions {
  /** Sign-ins at once; 32 unless told. */
  concurrency?: number;
  /**
   * The source address of user i. Without it every sign-in goes over one keep-alive agent;
   * with it each goes over a fresh connection from that address.
   */
  localAddress?: (index: number) => string | undefined;
  /**
   * For a refused sign-in (429): resolves with the address to try again from (up to 4 more
   * times). Without it a refusal throws.
   */
  retryFrom?: () => Promise<string | undefined>;
  timeoutMs?: number;
}

/** Signs in `n` distinct users, `<prefix> <i>`, `concurrency` at a time. */
export async function signInMany(base: string | URL, n: number, prefix: string, options: ManyOptions = {}): Promise<Account[]> {
  const { concurrency = 32, localAddress, retryFrom, timeoutMs } = options;
  const agent = localAddress ? undefined : keepAlive(concurrency);
  try {
    return await pool(range(n), concurrency, async (i) => {
      let local = localAddress?.(i);
      for (let attempt = 0; ; attempt++) {
        const { status, account, answer } = await trySignIn(base, `${prefix} ${i}`, { agent, localAddress: local, timeoutMs });
        if (account) return account;
        if (status !== 429 || !retryFrom) throw refused(answer);
        if (attempt >= 4) throw new Error('sign-in kept being refused');
        local = await retryFrom();
      }
    });
  } finally {
    agent?.destroy();
  }
}

