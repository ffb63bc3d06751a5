// The cookie signing keys with DATABASE_URL and no SECRET (src/store/postgres/keys.ts,
// src/identity/secret.ts): made once and kept in the database, so that servers sharing it sign
// alike, even when they start together; SECRET still wins; a kept row that is not usable is refused.
import { describe, expect, it } from 'vitest';
import { loadSharedSecret } from '../../../src/identity/secret.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { postgresForTests, useTestDatabase, withClient } from '../../helpers/postgres.js';
import { signIn, startTestServer } from '../../helpers/server.js';

describe.skipIf(!(await postgresForTests()))('signing keys kept in PostgreSQL', () => {
  const database = useTestDatabase();

  it('are made once, by whichever store offers first, and read alike by every store', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(database.url)));
    try {
      const kept = await Promise.all(stores.map((store) => loadSharedSecret(undefined, (candidate) => store.keptKeys(candidate))));
      expect(new Set(kept.map((keys) => keys.join()))).toEqual(new Set([kept[0]!.join()]));
      expect(kept[0]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
      expect(await loadSharedSecret('configured-key-0001', (candidate) => stores[0]!.keptKeys(candidate))).toEqual(['configured-key-0001']);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('let two servers on one database take each other’s cookies', async () => {
    const [first, second] = await Promise.all([startTestServer({ DATABASE_URL: database.url }), startTestServer({ DATABASE_URL: database.url })]);
    try {
      const { cookie } = await signIn(first!.url, 'Roamer');
      const page = await fetch(`${second!.url}/`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Roamer');
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('refuses a kept row that holds no usable key, saying where it is', async () => {
    await withClient(database.url, (client) => client.query("UPDATE signing_keys SET keys = 'short'"));
    const store = await PostgresStore.open(database.url);
    try {
      await expect(loadSharedSecret(undefined, (candidate) => store.keptKeys(candidate))).rejects.toThrow(/signing_keys.*holds no usable secret/);
    } finally {
      await store.close();
    }
  });
});
