// Sign-in for the load generator, per the contract (POST /signin, JSON, keep every cookie), one
// user or many over keep-alive connections.
import type http from 'node:http';
import type { User } from '../../shared/protocol/index.js';
import { cookieHeader, keepAlive, request } from '../http.js';

export interface Account {
  user: User;
  /** Every cookie the sign-in set (`user`, `user.sig`, `sid`, `sid.sig`, …), as a Cookie header. */
  cookie: string;
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
