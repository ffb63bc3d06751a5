// Whether the tests' Redis can be reached: asked by vitest.config.ts (whether to run the `cluster`
// project) and by test/helpers/redis.ts. A bare PING over TCP: nothing of vitest's or of the Redis
// client's here, so that the configuration can load it early.
import net from 'node:net';

/** The Redis the tests share, each run under a key prefix of its own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used for the tests, or undefined when it can. */
export function redisUnreachable(url = TEST_REDIS_URL): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(3000, () => done(`no Redis at ${url} (no answer in 3 s)`));
    socket.once('error', (error) => done(`no Redis at ${url} (${error.message})`));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? undefined : `Redis at ${url} answered ${JSON.stringify(data.toString().trim())}`));
  });
}

/** How to have one, for the printed reason. */
export const REDIS_HINT = 'Start Redis on 127.0.0.1:6379 (redis-server --daemonize yes) or set TEST_REDIS_URL';
