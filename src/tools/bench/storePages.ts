// The pg-history scenario's store pages, timed in a process of their own: `roomHistory` pages of
// PostgresStore itself before a random id, one at a time, after a warm-up like the scenario's.
// Apart from the bench's process, whose heap after a thousand WebSocket clients paused it for
// garbage collection in the middle of pages (its p99 read 4 to 7 ms where a fresh process reads
// 1 to 2.5 ms against the same database): what is timed is the store, not the load generator.
// Run as `node storePages.js` with its settings as JSON in argv[2]; prints its figures as JSON.
import { performance } from 'node:perf_hooks';
import { LOBBY } from '../../shared/protocol/index.js';
import { PostgresStore } from '../../store/postgres/index.js';
import { latencySummary, Samples } from './stats.js';

export interface StorePagesSettings {
  url: string;
  maxId: number;
  requests: number;
  pageSize: number;
  warmUpMs: number;
}

export type StorePagesFigures = ReturnType<typeof latencySummary> & { wrongSize: number };

async function storePages({ url, maxId, requests, pageSize, warmUpMs }: StorePagesSettings): Promise<StorePagesFigures> {
  const store = await PostgresStore.open(url);
  try {
    const page = async () => {
      const before = pageSize + 1 + Math.floor(Math.random() * Math.max(1, maxId - pageSize));
      const began = performance.now();
      const rows = await store.roomHistory(LOBBY, { before, limit: pageSize });
      return { ms: performance.now() - began, rows: rows.length };
    };
    const warmUntil = performance.now() + warmUpMs;
    for (let i = 0; i < 10 || performance.now() < warmUntil; i++) await page();
    const times = new Samples(requests);
    let wrongSize = 0;
    for (let i = 0; i < requests; i++) {
      const { ms, rows } = await page();
      times.push(ms);
      if (rows !== pageSize) wrongSize++;
    }
    return { ...latencySummary(times.values()), wrongSize };
  } finally {
    await store.close();
  }
}

const settings = JSON.parse(process.argv[2] ?? '{}') as StorePagesSettings;
process.stdout.write(`${JSON.stringify(await storePages(settings))}\n`);
