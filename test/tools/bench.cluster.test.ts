// `npm run bench`'s cluster targets as a developer runs them, built, at smoke size: fan-out and
// latency on the single process and on PostgreSQL + Redis with one and two processes, Redis
// publishes per message, PostgreSQL writes and history; nothing lost, one PUBLISH per message
// (a count, not a timing), and every database and Redis key the bench made gone afterwards.
// Needs PostgreSQL and Redis (skipped with a printed reason without them, a failure under
// CI=true). Without them the bench skips its cluster targets and says why: checked here on
// addresses where nothing answers, which needs neither.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_ADMIN_URL } from '../helpers/postgresProbe.js';
import { postgresForTests, withClient } from '../helpers/postgres.js';
import { redisForTests, TEST_REDIS_URL, withRedis } from '../helpers/redis.js';
import { expectBuilt, runTool } from '../helpers/tool.js';

interface Run {
  scenario: string;
  target: string;
  ok: boolean;
  error?: string;
  lost: number;
  metrics: Record<string, number>;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-bench-cluster-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const engines = (await postgresForTests()) && (await redisForTests());

/** What the bench leaves behind when it does not clean up: its databases and its Redis keys. */
async function leftovers(): Promise<{ databases: string[]; keys: string[] }> {
  const databases = await withClient(POSTGRES_ADMIN_URL, async (client) =>
    (await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'chat\\_bench\\_%'")).rows.map((r) => r.datname),
  );
  const keys = await withRedis(TEST_REDIS_URL, async (client) => {
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: 'chat_bench_*', COUNT: 500 })) found.push(...batch);
    return found;
  });
  return { databases, keys };
}

function resultOf(): { runs: Run[]; summary: { lost: number; failedRuns: number } } {
  const files = fs.readdirSync(out).filter((name) => name.endsWith('.json'));
  expect(files).toHaveLength(1);
  const text = fs.readFileSync(path.join(out, files[0]!), 'utf8');
  fs.rmSync(path.join(out, files[0]!));
  return JSON.parse(text) as { runs: Run[]; summary: { lost: number; failedRuns: number } };
}

describe.skipIf(!engines)('npm run bench, cluster targets (PostgreSQL and Redis)', () => {
  it('--smoke runs the cluster scenarios beside the single process, loses nothing, and drops what it made', { timeout: 240_000 }, async () => {
    expectBuilt('bench');
    const before = await leftovers();
    const args = ['--smoke', '--targets', 'product,cluster-1,cluster-2', '--only', 'fan-out,latency,publishes,pg-writes,pg-history'];
    const { code, stdout, stderr } = await runTool('bench', [...args, '--postgres', POSTGRES_ADMIN_URL, '--redis', TEST_REDIS_URL, '--out', out]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    const result = resultOf();
    const seen = result.runs.map((r) => `${r.scenario}/${r.target}`).sort();
    expect(seen).toEqual(
      [
        'fan-out/product',
        'fan-out/cluster-1',
        'fan-out/cluster-2',
        'latency/product',
        'latency/cluster-1',
        'latency/cluster-2',
        'publishes/cluster-2',
        'pg-writes/cluster-1',
        'pg-writes/cluster-2',
        'pg-history/cluster-1',
      ].sort(),
    );
    for (const r of result.runs) {
      expect(r.ok, `${r.scenario}/${r.target}: ${r.error ?? ''}`).toBe(true);
      expect(r.lost, `${r.scenario}/${r.target}`).toBe(0);
    }
    // Every client of every process got every message, and the engines' CPU was read beside the processes'.
    for (const r of result.runs.filter((r) => r.scenario === 'fan-out' || r.scenario === 'latency')) {
      expect(r.metrics.deliveries, `${r.scenario}/${r.target}`).toBe(r.metrics.messages! * r.metrics.clients!);
      if (r.target !== 'product') expect(r.metrics.enginesCpuUsPerDelivery, `${r.scenario}/${r.target}`).toBeGreaterThanOrEqual(0);
    }
    const publishes = result.runs.find((r) => r.scenario === 'publishes')!;
    // Every stored message on the bus once; a turn's messages may share one PUBLISH.
    expect(publishes.metrics).toMatchObject({ carriedPerMessageFew: 1, carriedPerMessageMany: 1, storedFew: 20, storedMany: 20 });
    expect(publishes.metrics.messagePublishesPerMessageFew).toBeLessThanOrEqual(1);
    expect(publishes.metrics.messagePublishesPerMessageMany).toBeLessThanOrEqual(1);
    for (const r of result.runs.filter((r) => r.scenario === 'pg-writes')) {
      expect(r.metrics.stored, r.target).toBeGreaterThan(0);
      expect(r.metrics.processes).toBe(r.target === 'cluster-2' ? 2 : 1);
    }
    const history = result.runs.find((r) => r.scenario === 'pg-history')!;
    expect(history.metrics.storedMessages).toBe(20_000);
    expect(history.metrics.storeP99Ms).toBeGreaterThan(0);
    expect(result.summary).toMatchObject({ lost: 0, failedRuns: 0 });

    // Each target of issue 13 has its line; the publishes one is a count, so it must pass.
    for (const label of ['fan-out: server CPU per delivery, two processes', 'latency: p99, clients over two processes', 'pg-writes: ≥ 5000 stored messages/s, one process', 'pg-writes: ≥ 5000 stored messages/s, two processes', 'pg-history: store roomHistory page p99']) {
      expect(stdout).toMatch(new RegExp(`\\n  (PASS|MISS)  ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    expect(stdout).toMatch(/\n {2}PASS {2}publishes: at most one Redis PUBLISH per stored message, each carried once, few or many recipients: [01]\.\d\d with few, [01]\.\d\d with many\n/);
    expect(stdout).toMatch(/\nPASS: nothing lost, every run completed/);

    const after = await leftovers();
    expect(after.databases.filter((name) => !before.databases.includes(name))).toEqual([]);
    expect(after.keys.filter((key) => !before.keys.includes(key))).toEqual([]);
  });
});

describe('npm run bench without PostgreSQL or Redis', () => {
  it('skips the cluster targets with the reason, and runs the rest', { timeout: 60_000 }, async () => {
    expectBuilt('bench');
    // Port 1: nothing listens there.
    const nowhere = ['--postgres', 'postgres://postgres@127.0.0.1:1/postgres', '--redis', 'redis://127.0.0.1:1'];
    const { code, stdout, stderr } = await runTool('bench', ['--smoke', '--only', 'fan-out,publishes', '--targets', 'product,cluster-2', ...nowhere, '--out', out]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toMatch(/SKIPPING: the cluster targets, and with them publishes, are skipped: no PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres .*; no Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(stdout).toMatch(/\nSKIPPED: the cluster targets/);
    const result = resultOf();
    expect(result.runs.map((r) => `${r.scenario}/${r.target}`)).toEqual(['fan-out/product']);
    expect(result.runs[0]!.ok).toBe(true);
  });
});
