import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';
import { isStoreUnavailable } from './store/unavailable.js';

// The command behind `npm start`: configuration from the environment, clean stop on SIGTERM/SIGINT.
// A start that cannot reach PostgreSQL within DATABASE_WAIT_MS exits with status 1 and says so,
// for its supervisor to start it again (systemd: Restart=on-failure); once running, an outage is
// answered (503, `unavailable`) and outlived, never a reason to exit.
let waitMs: number | undefined;
try {
  const config = loadConfig();
  waitMs = config.databaseWaitMs;
  const running = await startServer(config);
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal} received: closing connections\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`Chat is running at ${running.url}\n`);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  if (isStoreUnavailable(error)) {
    process.stderr.write(
      `Cannot start: ${error.message} (after trying for ${waitMs ?? 0} ms, DATABASE_WAIT_MS). ` +
        'Is PostgreSQL running, and reachable at DATABASE_URL?\n',
    );
    process.exit(1);
  }
  throw error;
}
