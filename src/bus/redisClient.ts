// A node-redis connection the way the Redis bus needs one: it comes back by itself, quickly, for
// ever, and its 'error' events (one per failed attempt) never reach the process as an uncaught one.
import { createClient, type RedisClientType } from 'redis';

export type RedisClient = RedisClientType;

/** The longest wait between two attempts to reach Redis again. */
export const MAX_RETRY_MS = 1000;

/** How long one attempt to connect may take (a host that drops packets, not one that refuses). */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * 50 ms, 100, 200, 400, 800, then about every second: each process a little apart (a quarter
 * of jitter), so that a restarted Redis is not met by every process in the same millisecond.
 */
export function retryDelay(retries: number): number {
  const base = Math.min(50 * 2 ** Math.min(retries, 10), MAX_RETRY_MS);
  return Math.round(base * (0.75 + Math.random() / 4));
}

export interface ClientOptions {
  url: string;
  /** Shown by `CLIENT LIST`, for whoever looks at the Redis side. */
  name: string;
  /**
   * False for the publisher: a command sent while the connection is down fails at once instead of
   * waiting for the next connection (what could not be published is delivered here instead).
   */
  queueWhileDown: boolean;
  onError(error: Error): void;
}

/** A client, not yet connected; `connect()` then keeps trying until it is in, or closed. */
export function redisClient(options: ClientOptions): RedisClient {
  const client = createClient({
    url: options.url,
    name: options.name,
    disableOfflineQueue: !options.queueWhileDown,
    // Redis Enterprise's maintenance hints need a command a plain Redis may refuse: not asked for.
    maintNotifications: 'disabled',
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: retryDelay },
  });
  client.on('error', options.onError);
  return client;
}

/** An error's message, for the log; what node-redis hands out is not always an Error. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
