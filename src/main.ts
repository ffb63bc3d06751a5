import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

// The command behind `npm start`: configuration from the environment, clean stop on SIGTERM/SIGINT.
try {
  const running = await startServer(loadConfig());
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
  throw error;
}
