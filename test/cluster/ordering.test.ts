// Two processes on one PostgreSQL and one Redis, both writing at once: every member, on either
// process, gets every message exactly once and in id order, and so does a reader that keeps
// dropping its socket and resuming (`since=`) on the other process mid-traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, redisForTests, TEST_REDIS_URL, testRedisPrefix } from '../helpers/redis.js';
import { signIn, startTestServer, type TestServer } from '../helpers/server.js';

const WRITERS_PER_PROCESS = 2;
const MESSAGES_EACH = 150;
const BURST = 15;
const TOTAL = 2 * WRITERS_PER_PROCESS * MESSAGES_EACH;

const ready = (await postgresForTests()) && (await redisForTests());

describe.skipIf(!ready)('two processes writing at once', () => {
  let database: TestDatabase;
  let prefix: string;
  const processes: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    prefix = testRedisPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, RATE_LIMIT: '0', FRAME_RATE_LIMIT: '0', SIGNIN_RATE_LIMIT: '0' };
    for (let i = 0; i < 2; i++) processes.push(await startTestServer(env));
  });
  afterAll(async () => {
    await Promise.all(processes.map((server) => server.close()));
    await database?.drop();
    if (prefix !== undefined) await deleteKeys(prefix);
  });

  /** Chats as they arrive on a socket, whatever else comes. */
  function chatsOf(client: TestClient): ChatMessage[] {
    return client.received.filter((m: ServerMessage): m is ChatMessage => m.type === 'chat');
  }

  it('delivers every message once, in id order, to members on both and to a reader resuming on either', async () => {
    const [member1, member2, reader] = await Promise.all(['M1', 'M2', 'Reader'].map((name) => signIn(processes[0]!.url, name)));
    const members = [await TestClient.connect(processes[0]!.wsUrl, { cookie: member1!.cookie, greeted: true }), await TestClient.connect(processes[1]!.wsUrl, { cookie: member2!.cookie, greeted: true })];

    // The reader: connects to one process, reads a little, drops the socket without a goodbye,
    // and resumes on the other from the last id it saw; over and over while the writers write.
    const seen: number[] = [];
    let writing = true;
    const reading = (async () => {
      for (let turn = 0; writing || seen.length < TOTAL; turn++) {
        const since = seen.at(-1) ?? 0;
        const client = await TestClient.connect(processes[turn % 2]!.wsUrl, {
          cookie: reader!.cookie,
          since,
          buffer: false,
          onMessage: (m) => {
            if (m.type === 'chat') seen.push(m.id);
          },
        });
        await new Promise((resolve) => setTimeout(resolve, writing ? 20 + (turn % 5) * 10 : 300));
        client.terminate();
        if (turn > 500) throw new Error(`the reader saw ${seen.length} of ${TOTAL}`);
      }
    })();

    // The writers: on both processes, bursts sent without waiting, each burst's last echo awaited.
    const writers = await Promise.all(
      Array.from({ length: 2 * WRITERS_PER_PROCESS }, async (_, i) => {
        const who = await signIn(processes[i % 2]!.url, `Writer${i}`);
        return TestClient.connect(processes[i % 2]!.wsUrl, { cookie: who.cookie, greeted: true });
      }),
    );
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let sent = 0; sent < MESSAGES_EACH; sent += BURST) {
          for (let i = 0; i < BURST; i++) writer.send({ type: 'chat', data: `w${w}-${sent + i}`, ref: `w${w}-${sent + i}` });
          const last = `w${w}-${sent + BURST - 1}`;
          await writer.next((m) => m.type === 'chat' && m.ref === last, 10_000);
        }
      }),
    );
    writing = false;
    await reading;

    const increasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]!);
    expect(seen).toHaveLength(TOTAL);
    expect(increasing(seen)).toBe(true);
    for (const member of members) {
      await expect.poll(() => chatsOf(member).length, { timeout: 10_000 }).toBe(TOTAL);
      const ids = chatsOf(member).map((m) => m.id);
      expect(increasing(ids)).toBe(true);
      expect(ids).toEqual(seen);
    }
    // Dense: the ids are the next TOTAL after what the sign-ins left (none), with no hole.
    expect(seen.at(-1)! - seen[0]! + 1).toBe(TOTAL);
    await Promise.all([...members, ...writers].map((client) => client.close()));
  });
});
