// The secret that signs the cookies (docs/security.md): one generated in DATA_DIR is kept there, or
// in the database on PostgreSQL (a restart keeps everyone signed in; another data folder's or
// database's does not take them), and SECRET rotates: the new key signs, the old one still
// verifies until it is removed. Real server, fetch.
import fs from 'node:fs';
import path from 'node:path';
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/fixture.js';
import { withClient } from '../../helpers/postgres.js';

describe('a generated secret', () => {
  const chat = useServer();
  /** Another data folder, so another secret. */
  const other = useServer();

  it('keeps the generated secret in DATA_DIR (or the database), so a restart keeps everyone signed in', async () => {
    const { cookie } = await chat.signIn('Stays');
    const secretFile = path.join(chat.server.dataDir, 'secret');
    const { databaseUrl } = chat.server;
    if (databaseUrl === undefined) {
      expect(fs.statSync(secretFile).mode & 0o077).toBe(0);
    } else {
      // On PostgreSQL, in the database, for every process that shares it; nothing in DATA_DIR.
      const kept = await withClient(databaseUrl, (client) => client.query<{ keys: string }>('SELECT keys FROM signing_keys'));
      expect(kept.rows.map((row) => row.keys)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
      expect(fs.existsSync(secretFile)).toBe(false);
    }
    await chat.restart();
    const page = await fetch(`${chat.server.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stays');
    // A server with another data folder (another secret) does not accept it.
    expect((await fetch(`${other.server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(302);
  });
});

describe('SECRET', () => {
  const chat = useServer({ SECRET: 'old-key-old-key-old-key' });

  it('rotates the secret: the new key signs, the old one still verifies until removed', async () => {
    const { cookie } = await chat.signIn('Rotated');
    await chat.restart({ env: { SECRET: 'new-key-new-key-new-key,old-key-old-key-old-key' } });
    expect((await fetch(`${chat.server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const fresh = await chat.signIn('After');
    const sig = /user\.sig=([^;]+)/.exec(fresh.cookie)?.[1];
    const value = /user=([^;]+)/.exec(fresh.cookie)?.[1];
    expect(sig).toBe(new Keygrip(['new-key-new-key-new-key']).sign(`user=${value}`));
    await chat.restart({ env: { SECRET: 'new-key-new-key-new-key' } });
    expect((await fetch(`${chat.server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(302);
  });
});
