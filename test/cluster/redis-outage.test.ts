// Redis stopped and started again under two processes while people on both keep talking: every
// message each sender saw acknowledged reaches every member, on either process, exactly once and
// in id order; nothing crashes, and the processes find each other again by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { ownRedisForTests, startOwnRedis, type OwnRedis } from '../helpers/ownRedis.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { signIn, startTestServer, type TestServer } from '../helpers/server.js';

const EACH_PHASE = 15;
const ready = (await postgresForTests()) && ownRedisForTests();

describe.skipIf(!ready)('a Redis outage under two processes', () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  const processes: TestServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startOwnRedis();
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, RATE_LIMIT: '0', SIGNIN_RATE_LIMIT: '0' };
    for (let i = 0; i < 2; i++) processes.push(await startTestServer(env));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(processes.map((server) => server.close()));
    await redis?.close();
    await database?.drop();
  });

  const connect = async (name: string, at: number) => {
    const who = await signIn(processes[at]!.url, name);
    const client = await TestClient.connect(processes[at]!.wsUrl, { cookie: who.cookie, greeted: true });
    clients.push(client);
    return client;
  };
  const chats = (client: TestClient) => client.received.filter((m: ServerMessage): m is ChatMessage => m.type === 'chat');

  /** Each sender says `count` things, each awaited until acknowledged (its own echo with its ref). */
  async function talk(senders: TestClient[], label: string, count: number): Promise<string[]> {
    const said: string[] = [];
    await Promise.all(
      senders.map(async (sender, s) => {
        for (let i = 0; i < count; i++) {
          const data = unique(`${label}-${s}`);
          const ref = `${label}-${s}-${i}`;
          sender.send({ type: 'chat', data, ref });
          await sender.next((m) => m.type === 'chat' && m.ref === ref, 5000);
          said.push(data);
        }
      }),
    );
    return said;
  }

  it('loses nothing: every acknowledged message reaches every member once, in id order', async () => {
    const alice = await connect('Alice', 0);
    const bob = await connect('Bob', 1);
    const members = [await connect('M1', 0), await connect('M2', 1)];
    const said: string[] = [];

    said.push(...(await talk([alice, bob], 'before', EACH_PHASE)));
    await redis.stop();
    // Redis is away: each process still stores and acknowledges what its own people say.
    said.push(...(await talk([alice, bob], 'during', EACH_PHASE)));
    for (const server of processes) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await redis.start();
    said.push(...(await talk([alice, bob], 'after', EACH_PHASE)));

    for (const member of [...members, alice, bob]) {
      await expect.poll(() => chats(member).length, { timeout: 10_000 }).toBe(said.length);
      const got = chats(member);
      expect(new Set(got.map((m) => m.data))).toEqual(new Set(said));
      expect(got.every((m, i) => i === 0 || m.id === got[i - 1]!.id + 1)).toBe(true);
    }
  });

  it('closes, once Redis is back, the sockets of a session signed out on another process meanwhile', async () => {
    const who = await signIn(processes[0]!.url, 'Leaving');
    const socket = await TestClient.connect(processes[0]!.wsUrl, { cookie: who.cookie, greeted: true });
    clients.push(socket);
    await redis.stop();
    const out = await fetch(`${processes[1]!.url}/signout`, { method: 'POST', headers: { cookie: who.cookie }, redirect: 'manual' });
    expect(out.status).toBe(302);
    // The sign-out could not reach the other process: its socket is still open (it answers).
    await socket.settle();
    await redis.start();
    expect(await socket.closed).toEqual({ code: 4001, reason: 'Signed out' });
  });

  it('takes out, once Redis is back, the sockets of a member removed from a private room on another process meanwhile', async () => {
    const owner = await signIn(processes[0]!.url, 'Keeper');
    const member = await signIn(processes[1]!.url, 'Guest');
    const room = unique('hush').replace(/-/g, '');
    const made = await fetch(`${processes[0]!.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: owner.cookie },
      body: JSON.stringify({ name: room, private: true }),
    });
    expect(made.status).toBe(201);
    const o = await TestClient.connect(processes[0]!.wsUrl, { cookie: owner.cookie, greeted: true });
    const m = await TestClient.connect(processes[1]!.wsUrl, { cookie: member.cookie, greeted: true });
    clients.push(o, m);
    o.send({ type: 'invite', room, user: member.user.id });
    await m.next((x) => x.type === 'invited', 5000);
    m.send({ type: 'join', room });
    await m.next((x) => x.type === 'list' && x.room === room, 5000);
    await redis.stop();
    o.send({ type: 'remove', room, user: member.user.id });
    await o.next((x) => x.type === 'removed', 5000);
    // The removal could not reach the other process: the member's socket is still in the room.
    await m.settle();
    expect(m.pending((x) => x.type === 'left' && x.room === room)).toEqual([]);
    await redis.start();
    expect(await m.next((x) => x.type === 'left' && x.room === room, 10_000)).toMatchObject({ user: { id: member.user.id } });
    m.send({ type: 'chat', room, data: 'still here?', ref: 'after' });
    expect(await m.next((x) => x.type === 'error' && x.ref === 'after', 5000)).toMatchObject({ data: { code: 'no_such_room' } });
  });
});
