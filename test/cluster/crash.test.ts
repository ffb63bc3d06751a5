// Two built server processes (dist/main.js) on one PostgreSQL and one Redis behind the bundled
// cluster nginx config; people on both keep talking, and one process is killed with SIGKILL
// mid-traffic. Its clients reconnect through nginx (to the survivor) and resume after the last id
// they saw: every acknowledged message reaches them exactly once, in id order, and a member who
// stayed on the survivor gets the same.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { PRODUCT_MAIN } from '../../src/tools/kit/server.js';
import { TestClient } from '../helpers/client.js';
import { nginxForTests, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../helpers/redis.js';
import { signIn, spawnServer, tempDataDir, type SignedIn, type SpawnedServer } from '../helpers/server.js';

const nginxBinary = nginxForTests();
const ready = nginxBinary !== undefined && (await postgresForTests()) && (await redisForTests());

describe.skipIf(!ready)('a process killed mid-traffic behind nginx', () => {
  let database: TestDatabase;
  const prefix = testRedisPrefix();
  const processes: SpawnedServer[] = [];
  let nginx: RunningNginx | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(PRODUCT_MAIN)) throw new Error(`${PRODUCT_MAIN} is missing: npm run build first (npm test does)`);
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, TRUST_PROXY: '1', RATE_LIMIT: '0', SIGNIN_RATE_LIMIT: '0', QUIET: '1' };
    // One after the other: the first migrates the fresh database.
    for (let i = 0; i < 2; i++) processes.push(await spawnServer({ ...env, DATA_DIR: tempDataDir() }));
    nginx = await startNginx(nginxBinary!, { appPorts: processes.map((p) => Number(new URL(p.url).port)) });
  });
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await nginx?.stop();
    for (const server of processes) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await database?.drop();
    await deleteKeys(prefix);
  });

  const throughNginx = () => `${nginx!.url.replace(/^http/, 'ws')}/ws/chat`;

  /**
   * A person's socket that, whenever it drops, reconnects through nginx and resumes after the last
   * message id it saw: every chat it got, in the order it got them.
   */
  function resumingReader(who: SignedIn, firstUrl: string) {
    const got: ChatMessage[] = [];
    let stopped = false;
    let current: TestClient | undefined;
    const onMessage = (m: ServerMessage) => {
      if (m.type === 'chat') got.push(m);
    };
    const open = async (url: string): Promise<void> => {
      while (!stopped) {
        try {
          const since = got.at(-1)?.id;
          current = await TestClient.connect(url, { cookie: who.cookie, buffer: false, onMessage, ...(since === undefined ? {} : { since }) });
          clients.push(current);
          void current.closed.then(() => {
            if (!stopped) void open(throughNginx());
          });
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
          url = throughNginx();
        }
      }
    };
    return { got, open: () => open(firstUrl), stop: () => ((stopped = true), current?.terminate()) };
  }

  it('loses nothing and doubles nothing for the killed process’s clients, who resume on the other', async () => {
    const [victimUser, stayerUser, writerUser] = await Promise.all(['Victim', 'Stayer', 'Writer'].map((name) => signIn(processes[1]!.url, name)));
    const victim = resumingReader(victimUser!, processes[0]!.url.replace(/^http/, 'ws') + '/ws/chat');
    const stayer = resumingReader(stayerUser!, processes[1]!.url.replace(/^http/, 'ws') + '/ws/chat');
    await victim.open();
    await stayer.open();

    // A writer on each process; every message either saw acknowledged must reach both readers.
    const writers = await Promise.all(
      processes.map(async (server, at) => {
        const who = await signIn(server.url, `Writer${at}`);
        const client = await TestClient.connect(server.wsUrl, { cookie: who.cookie, greeted: true });
        clients.push(client);
        return client;
      }),
    );
    const acknowledged = new Set<string>();
    const write = async (writer: TestClient, label: string, count: number) => {
      for (let i = 0; i < count; i++) {
        if (!writer.isOpen) return;
        writer.send({ type: 'chat', data: `${label}${i}`, ref: `${label}${i}` });
        // The killed process's writer may see no echo for its last one: stored or not, it was not acknowledged.
        const echo = await writer.next((m) => m.type === 'chat' && m.ref === `${label}${i}`, 5000).catch(() => undefined);
        if (!echo) return;
        acknowledged.add(`${label}${i}`);
        if (label === 'survivor' && i === 40) processes[0]!.child.kill('SIGKILL');
      }
    };
    await Promise.all([write(writers[0]!, 'killed', 1000), write(writers[1]!, 'survivor', 120)]);
    expect((await processes[0]!.exited).signal).toBe('SIGKILL');
    expect([...acknowledged].filter((data) => data.startsWith('killed')).length).toBeGreaterThan(10);

    for (const reader of [victim, stayer]) {
      await expect.poll(() => reader.got.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(acknowledged.size);
      const ids = reader.got.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
      const data = new Set(reader.got.map((m) => m.data));
      expect([...acknowledged].filter((said) => !data.has(said))).toEqual([]);
      reader.stop();
    }
    // Both saw the same messages: what the killed process stored without acknowledging it too.
    expect(victim.got.map((m) => m.id)).toEqual(stayer.got.map((m) => m.id));
  });
});
