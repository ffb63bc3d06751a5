// History on PostgreSQL at a million messages: a database seeded once per bench run (the schema
// made by the store itself, then the messages added in bulk the way the store takes ids, from the
// one-row message_ids, so that they stay dense and the store's next message follows them), and each
// run the history scenario's pages (`GET /`, WebSocket `history`) against one process on it, then
// the store's own `roomHistory` pages timed from here.
import { performance } from 'node:perf_hooks';
import { newUser } from '../../identity/users.js';
import { LOBBY } from '../../shared/protocol/index.js';
import { PostgresStore } from '../../store/postgres/index.js';
import { timedApart } from './apart.js';
import { createDatabase, withPostgres, type EngineUrls } from './engines.js';
import { history } from './httpScenarios.js';
import type { Preparation, RunContext, RunResult } from './run.js';
import { AUTHORS, TEXTS } from './seed.js';
import type { StorePagesFigures, StorePagesSettings } from './storePages.js';

/** Messages per transaction of the seed: progress to print, and no transaction too big to undo quickly. */
const BATCH = 200_000;

/**
 * `messages` lobby messages from a few hundred authors, one second apart, ending now, each batch
 * given the next ids from message_ids in its transaction (src/store/postgres/messageIds.ts).
 * Then VACUUM ANALYZE, as autovacuum would have done long since on a table that grew this big.
 */
async function seed(url: string, messages: number, log: (line: string) => void): Promise<number> {
  const store = await PostgresStore.open(url);
  const now = Date.now();
  const authors = Array.from({ length: AUTHORS }, (_, i) => newUser(`author ${i}`));
  try {
    await Promise.all(authors.map((author) => store.addUser(author, now - messages * 1000)));
  } finally {
    await store.close();
  }
  return withPostgres(url, async (client) => {
    for (let done = 0; done < messages; ) {
      const count = Math.min(BATCH, messages - done);
      await client.query('BEGIN');
      const { rows } = await client.query<{ last: string }>('SELECT last FROM message_ids WHERE one = 1 FOR UPDATE');
      // Message g (from 1) gets id last + g; the numbering of the text and the time go on across batches.
      await client.query(
        `INSERT INTO messages (id, ts, room, user_id, data)
         SELECT $1::bigint + g, $2::bigint - ($3::bigint - $4::bigint - g) * 1000, $5, ($6::text[])[1 + (($4::bigint + g) % $7)],
                ($4::bigint + g) || ' ' || ($8::text[])[1 + (($4::bigint + g) % $9)]
         FROM generate_series(1, $10::int) g`,
        [Number(rows[0]?.last), now, messages, done, LOBBY, authors.map((a) => a.id), AUTHORS, TEXTS, TEXTS.length, count],
      );
      await client.query('UPDATE message_ids SET last = last + $1 WHERE one = 1', [count]);
      await client.query('COMMIT');
      done += count;
      if (messages >= 200_000) log(`  seeded ${done.toLocaleString('en')} of ${messages.toLocaleString('en')} messages`);
    }
    await client.query('VACUUM ANALYZE messages');
    const { rows } = await client.query<{ last: string }>('SELECT last FROM message_ids WHERE one = 1');
    return Number(rows[0]?.last);
  });
}

/** The pg-history scenario's database: made and seeded once, every run's process on it, dropped at the end. */
export async function preparePgHistory(engines: EngineUrls, messages: number, log: (line: string) => void): Promise<Preparation> {
  const startedAt = performance.now();
  const database = await createDatabase(engines.postgres);
  try {
    const maxId = await seed(database.url, messages, log);
    return {
      prepared: { maxId, messages, databaseUrl: database.url },
      seedMs: performance.now() - startedAt,
      forRun: () => ({ start: { databaseUrl: database.url }, cleanup: () => undefined }),
      dispose: () => database.drop(),
    };
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
}

/** The store's own pages, timed in a child process (storePages.ts says why), its figures read from its output. */
async function storePages(url: string, maxId: number, ctx: RunContext): Promise<StorePagesFigures> {
  const { requests, pageSize, warmUpMs } = ctx.sizes.history;
  const settings: StorePagesSettings = { url, maxId, requests, pageSize, warmUpMs };
  return timedApart<StorePagesFigures>('storePages.js', settings);
}

export async function pgHistory(ctx: RunContext): Promise<RunResult> {
  const prepared = ctx.prepared;
  if (!prepared?.databaseUrl) throw new Error('pg-history needs the seeded database');
  await checkpoint(prepared.databaseUrl);
  const result = await history(ctx);
  const pages = await storePages(prepared.databaseUrl, prepared.maxId, ctx);
  const failure = [result.failure, pages.wrongSize > 0 ? `${pages.wrongSize} store pages did not hold ${ctx.sizes.history.pageSize} messages` : undefined]
    .filter(Boolean)
    .join('; ');
  return {
    ...result,
    ...(failure ? { failure } : {}),
    metrics: { ...result.metrics, storeP50Ms: pages.p50, storeP99Ms: pages.p99, storeMaxMs: pages.max },
  };
}

/**
 * The scenarios before this one wrote, and dropped databases of their own; PostgreSQL writes all
 * that out at its next checkpoint, which would otherwise land among these pages' timings (a p99 of
 * 1,000 pages is its 10th slowest). A checkpoint now, before the clock starts; skipped (the run
 * says so) where the user may not ask for one (a superuser or pg_checkpoint may).
 */
async function checkpoint(url: string): Promise<void> {
  try {
    await withPostgres(url, (client) => client.query('CHECKPOINT'));
  } catch (error) {
    console.warn(`  pg-history: no CHECKPOINT before the timings (${error instanceof Error ? error.message : String(error)})`);
  }
}
