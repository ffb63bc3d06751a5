// A server as a child process, for the tools and the tests: the product's entry point (dist/main.js,
// built by npm run build), an environment free of the product's settings, the URL the server prints
// once it listens, and stopping it.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../paths.js';

/** The built product, as `npm start` runs it. */
export const PRODUCT_MAIN = path.join(ROOT_DIR, 'dist/main.js');

/** Settings the product reads from its environment. */
const SERVER_SETTINGS = /^(PORT|HOST|DATA_DIR|DATABASE_URL|DATABASE_WAIT_MS|COMMIT_DELAY_MS|REDIS_URL|REDIS_PREFIX|PRESENCE_TIMEOUT_MS|SECRET|ALLOWED_ORIGINS|TRUST_PROXY|HEARTBEAT_MS|HISTORY_LIMIT|MAX_[A-Z_]+|(FRAME_|SIGNIN_|ROOM_|SEARCH_)?RATE_LIMIT|SEARCH_TIMEOUT_MS|HEADERS_TIMEOUT_MS|SESSION_DAYS|QUIET)$/;

/** This process's environment without any setting the product reads, then `settings`: a server gets only the settings it is given. */
export function serverEnv(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!SERVER_SETTINGS.test(key)) env[key] = value;
  return Object.assign(env, settings);
}

/**
 * The URL a starting server prints on its standard output (`… running at http://…`); rejects when
 * it exits first or the time is up, with what `log()` returns (what it wrote) in the error.
 */
export function runningAt(child: ChildProcess, timeoutMs: number, log: () => string, name = 'server'): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stdout = '';
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (what: string) => {
      done();
      reject(new Error(`${what}:\n${log()}`));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        done();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`${name} exited at start (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`${name} did not start in ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once `exited` does. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs = 10_000): Promise<void> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
