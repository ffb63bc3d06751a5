// The engines the Store contract runs on (test/store/contract*.test.ts): SQLite, and PostgreSQL
// where there is one to reach (skipped with a printed reason otherwise, never under CI), each store
// fresh and closed after its test.
import { afterEach, describe } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { freshPostgresStore, postgresForTests } from './postgres.js';
import { tempDataDir } from './server.js';

interface Engine {
  name: string;
  /** A fresh, empty store. */
  open(): Promise<Store>;
}

const CONTRACT_SEARCH_MS = 15_000;

const ENGINES: Engine[] = [
  // Searches get a budget far past the product's: the contract is what they find, not how fast on a busy machine.
  { name: 'SQLite', open: async () => new SqliteStore(tempDataDir(), { searchTimeoutMs: CONTRACT_SEARCH_MS }) },
  // A database of its own for each store, dropped when the store is closed.
  ...((await postgresForTests()) ? [{ name: 'PostgreSQL', open: () => freshPostgresStore({ searchTimeoutMs: CONTRACT_SEARCH_MS }) }] : []),
];

/**
 * `body` once per engine, in a describe of its own: `fresh()` opens an empty store (closed after
 * the test) and adds `users` to it.
 */
export function forEachEngine(title: string, users: readonly { id: string; name: string; image: number }[], body: (fresh: () => Promise<Store>) => void): void {
  for (const engine of ENGINES) {
    describe(`${title} on ${engine.name}`, () => {
      const opened: Store[] = [];
      afterEach(async () => {
        for (const store of opened.splice(0)) await store.close();
      });
      body(async () => {
        const store = await engine.open();
        opened.push(store);
        await Promise.all(users.map((user) => store.addUser(user, 1)));
        return store;
      });
    });
  }
}
