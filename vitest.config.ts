import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own servers on ephemeral ports; two cores, so two at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      {
        // The WebSocket suite again, on a bus that delivers on a later turn after a JSON round
        // trip, as a remote one would: nothing may rely on delivery inside `publish`.
        extends: true,
        test: { name: 'deferred bus', include: ['test/integration/**/*.test.ts'], env: { TEST_BUS: 'deferred' } },
      },
    ],
  },
});
