// The store the history scenario reads: seeded once per bench run with many chat messages through
// the store's own API (one transaction per batch; the full-text index is filled when it closes), then
// copied into a fresh data folder for every round.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOBBY } from '../../shared/protocol/index.js';
import { SqliteEngine } from '../../store/sqlite/index.js';
import { newUser } from '../../identity/users.js';
import type { Preparation } from './run.js';
import { startTarget, tempDir } from './targets.js';

export interface Seeded {
  /** The folder to copy: chat.db and the secret. */
  dir: string;
  messages: number;
  maxId: number;
  seedMs: number;
}

/** The seeds' authors and texts, the same for SQLite's seed and PostgreSQL's (pgHistory.ts). */
export const AUTHORS = 200;
const BATCH = 50_000;
export const TEXTS = [
  'good morning everyone',
  'has anyone tried the new build yet?',
  'lunch at noon, who is in',
  '我们下午三点开会',
  'the deploy went fine, thanks all',
  'see https://example.com/notes for the details',
  'can someone review my change',
  '大家好，今天的任务已经完成了',
];

/** Seeds `messages` lobby messages from a few hundred authors, one second apart, ending now. */
export async function seedStore(messages: number, log: (line: string) => void): Promise<Seeded> {
  const dir = tempDir('chat-bench-seed-');
  const startedAt = performance.now();
  // The product creates its folder, schema and secret the way it does in production.
  const first = await startTarget('product', { dataDir: dir });
  await first.stop();

  const store = new SqliteEngine(dir);
  try {
    const now = Date.now();
    const authors = Array.from({ length: AUTHORS }, (_, i) => newUser(`author ${i}`));
    for (const author of authors) store.addUser(author, now - messages * 1000);
    for (let done = 0; done < messages; ) {
      const end = Math.min(messages, done + BATCH);
      store.beginBatch();
      for (let i = done; i < end; i++) {
        store.addChat({ room: LOBBY, user: authors[i % AUTHORS]!, data: `${i} ${TEXTS[i % TEXTS.length]}`, ts: now - (messages - i) * 1000 });
      }
      store.commitBatch();
      done = end;
      if (messages >= 200_000 && done % 200_000 === 0) log(`  seeded ${done.toLocaleString('en')} of ${messages.toLocaleString('en')} messages`);
    }
    const maxId = store.lastMessageId();
    return { dir, messages, maxId, seedMs: performance.now() - startedAt };
  } finally {
    store.close();
  }
}

/** A fresh data folder holding a copy of the seeded store. */
export function copySeeded(seeded: Seeded): string {
  const dir = tempDir('chat-bench-history-');
  for (const name of fs.readdirSync(seeded.dir)) {
    fs.cpSync(path.join(seeded.dir, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

/** The history scenario's store: seeded once, each run's product on a copy of its own. */
export async function prepareHistory(messages: number, log: (line: string) => void): Promise<Preparation> {
  const seeded = await seedStore(messages, log);
  return {
    prepared: { maxId: seeded.maxId, messages: seeded.messages },
    seedMs: seeded.seedMs,
    forRun() {
      const dataDir = copySeeded(seeded);
      return { start: { dataDir }, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    },
    dispose: async () => fs.rmSync(seeded.dir, { recursive: true, force: true }),
  };
}
