// Two in-process servers on one fresh PostgreSQL database, each on its own BusLink to one shared
// DeferredBus (standing for Redis), so that a test can slow down or lose one process's publishes.
// Registers its own beforeAll/afterAll: the clients pushed to `clients` are closed, then the
// servers, then the database is dropped.
import { afterAll, beforeAll } from 'vitest';
import { DeferredBus } from '../../src/bus/deferred.js';
import { BusLink } from './busLink.js';
import type { TestClient } from './client.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { startTestServer, tempDataDir, type TestServer } from './server.js';

export interface LinkedProcesses {
  links: BusLink[];
  processes: TestServer[];
  /** Clients a test opened, closed after the suite. */
  clients: TestClient[];
}

export function useLinkedProcesses(env: Record<string, string>, count = 2): LinkedProcesses {
  let database: TestDatabase | undefined;
  const site: LinkedProcesses = { links: [], processes: [], clients: [] };
  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = new DeferredBus();
    for (let i = 0; i < count; i++) {
      const link = new BusLink(shared);
      site.links.push(link);
      site.processes.push(await startTestServer({ DATABASE_URL: database.url, ...env }, tempDataDir(), { bus: link }));
    }
  });
  afterAll(async () => {
    await Promise.all(site.clients.map((client) => client.close()));
    await Promise.all(site.processes.map((server) => server.close()));
    await database?.drop();
  });
  return site;
}
