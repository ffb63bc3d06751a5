// What a SQLite file from an older release still does once the server has upgraded it (its
// migrations, src/store/sqlite/migrations.ts): each test makes the file an older release's while
// the server is stopped, then checks through the real server that nothing was lost or misread.
// SQLite's own, so not in the PostgreSQL project (vitest.config.ts): there is no older PostgreSQL schema.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { SearchResult } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { personName, roomName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';
import { connectWithUnread } from '../helpers/unread.js';

const chat = useServer({ RATE_LIMIT: '0' });

/** Runs SQL on the server's file (the server stopped). */
function onFile(dataDir: string, sql: string): void {
  const db = new Database(path.join(dataDir, 'chat.db'));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

async function searchIds(who: SignedIn, q: string): Promise<number[]> {
  const response = await fetch(`${chat.server.url}/search?q=${encodeURIComponent(q)}`, { headers: { cookie: who.cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as SearchResult[]).map((hit) => hit.id);
}

describe('after an upgrade of an older SQLite file', () => {
  it('finds messages written before the search index existed', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const word = unique('olddays');
    const old = await say(a, `from the old days ${word}`);

    // the database as a version without search left it
    await chat.restart({
      between: (dataDir) =>
        onFile(dataDir, `DROP TRIGGER messages_fts_delete; DROP TRIGGER messages_fts_update;
          DROP TABLE messages_fts; DROP TABLE search_state; PRAGMA user_version = 0;`),
    });
    expect(await searchIds(alice, word)).toEqual([old.id]);
    const b = await chat.connect(alice);
    const fresh = await say(b, `and a new one ${word}`);
    expect(await searchIds(alice, word)).toEqual([fresh.id, old.id]);
  });

  it('does not show the whole lobby as unread to someone who signed in before read markers existed', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const { client: a } = await connectWithUnread(chat, alice);
    for (let i = 0; i < 20; i++) await say(a, unique('history'));

    // the database as a version without read markers left it
    await chat.restart({ between: (dataDir) => onFile(dataDir, 'DROP TABLE reads; DROP TABLE memberships; PRAGMA user_version = 0;') });
    expect((await connectWithUnread(chat, bob)).unread).toEqual([]);
    const { client: a2 } = await connectWithUnread(chat, alice);
    await say(a2, unique('news'));
    expect((await connectWithUnread(chat, bob)).unread).toMatchObject([{ room: 'lobby', count: 1 }]);
  });

  it('lets nobody end a room made before rooms kept their creator', async () => {
    const alice = await chat.signIn('Alice');
    const old = roomName('old');
    await chat.restart({
      between: (dataDir) => {
        const store = new SqliteEngine(dataDir);
        store.createRoom(old, 1);
        store.close();
      },
    });
    const ends = [
      fetch(`${chat.server.url}/rooms/${old}/archive`, { method: 'POST', headers: { accept: 'application/json', 'accept-language': 'en', cookie: alice.cookie } }),
      fetch(`${chat.server.url}/rooms/${old}`, { method: 'DELETE', headers: { accept: 'application/json', 'accept-language': 'en', cookie: alice.cookie } }),
    ];
    for (const response of await Promise.all(ends)) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ code: 1, error: translate('en', 'rooms.notCreator', { name: old }) });
    }
  });
});
