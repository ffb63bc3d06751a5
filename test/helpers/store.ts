// Real SQLite stores in temporary folders for the store's own tests, closed after each test, and
// what a second connection reads straight from the file.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect } from 'vitest';
import { SqliteEngine, SqliteStore, type SqliteOptions } from '../../src/store/sqlite/index.js';

/** Opens stores that are closed after each test of the file that calls it. */
export function storeFixture(): (dir: string, options?: SqliteOptions) => SqliteEngine {
  const opened: SqliteEngine[] = [];
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });
  return (dir, options) => {
    const store = new SqliteEngine(dir, options);
    opened.push(store);
    return store;
  };
}

/** What the file says, read through a second, read-only connection (the store's may be open or closed). */
export function readFile<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, 'chat.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Opens stores as the server uses them (the asynchronous `Store`), closed after each test of the file that calls it. */
export function asyncStoreFixture(): (dir: string, options?: SqliteOptions) => SqliteStore {
  const opened: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return (dir, options) => {
    const store = new SqliteStore(dir, options);
    opened.push(store);
    return store;
  };
}

/** How far the search index goes, as the file says. */
export function indexedUpTo(dir: string): number {
  const db = new Database(path.join(dir, 'chat.db'), { readonly: true });
  try {
    return (db.prepare('SELECT indexed_up_to FROM search_state').get() as { indexed_up_to: number }).indexed_up_to;
  } finally {
    db.close();
  }
}

/** FTS5's own check that the index holds exactly what the messages table holds. */
export function expectIndexIntact(dir: string): void {
  const db = new Database(path.join(dir, 'chat.db'));
  try {
    expect(() => db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  } finally {
    db.close();
  }
}
