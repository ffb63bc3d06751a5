// Seeding the lobby through the product's own store, on the data folder of a stopped server: many
// messages from a few authors, each holding a long run of `a` (the worst case for a search, and
// as good as any for a replay). The search index is filled when the store closes, as on a server
// that has run for a while. The pair then resumes after them, as people who had seen them.
import { newUser } from '../../identity/users.js';
import { LOBBY } from '../../shared/protocol/index.js';
import { SqliteEngine } from '../../store/sqlite/index.js';
import type { Context } from './attack.js';

/** The text every seeded message starts with: `aaa` in it many times over. */
export const SEEDED_RUN = 'a'.repeat(30);
const AUTHORS = 20;
/** Messages a transaction. */
const BATCH = 50_000;

/** Seeds the lobby until this run has seeded `total` messages in all; what to do while the server is stopped, or nothing when it has. */
export function seedLobby(context: Context, total: number): ((dataDir: string) => void) | undefined {
  if (context.seeded >= total) return undefined;
  return (dataDir) => {
    const store = new SqliteEngine(dataDir);
    try {
      const now = Date.now();
      const authors = Array.from({ length: AUTHORS }, (_, i) => newUser(`seeded ${i}`));
      for (const author of authors) store.addUser(author, now);
      while (context.seeded < total) {
        const batch = Math.min(BATCH, total - context.seeded);
        store.beginBatch();
        for (let i = context.seeded; i < context.seeded + batch; i++) {
          store.addChat({ room: LOBBY, user: authors[i % AUTHORS]!, data: `${SEEDED_RUN}b seeded message ${i}`, ts: now });
        }
        store.commitBatch();
        context.seeded += batch;
      }
      context.pair.skipTo(store.lastMessageId());
    } finally {
      store.close();
    }
  };
}
