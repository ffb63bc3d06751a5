// Two processes on one PostgreSQL database: a process checks a reaction or an edit to a recent
// message from what it heard of it (src/chat/recentMessages.ts), without reading it first. A
// message deleted on the other process a moment ago, before this one heard of the deletion, is
// still refused (`no_such_message`), by the write itself, and nothing changes.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, StoredMessage } from '../../src/shared/protocol/index.js';
import { say, unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { useLinkedProcesses } from '../helpers/linkedProcesses.js';
import { postgresForTests } from '../helpers/postgres.js';
import { signIn } from '../helpers/server.js';

const ready = await postgresForTests();

describe.skipIf(!ready)('a change to a recent message across processes', () => {
  const { links, processes, clients } = useLinkedProcesses({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });

  const connect = async (cookie: string, at: number) => {
    const client = await TestClient.connect(processes[at]!.wsUrl, { cookie, greeted: true });
    clients.push(client);
    return client;
  };

  /** The message as the store has it now, through a `history` page on `client`'s process. */
  const stored = async (client: TestClient, id: number): Promise<StoredMessage | undefined> => {
    client.send({ type: 'history', room: 'lobby', before: id + 1, limit: 1 });
    const page = (await client.next((m) => m.type === 'history' && m.before === id + 1)) as Extract<ServerMessage, { type: 'history' }>;
    return page.data.find((message) => message.id === id);
  };

  const refusal = async (client: TestClient, frame: Record<string, unknown>) => {
    const ref = unique('change');
    client.send({ ...frame, ref } as never);
    return client.next((m) => 'ref' in m && m.ref === ref);
  };

  it('refuses a reaction and an edit to a message deleted on the other process before this one heard of it', async () => {
    const alice = await signIn(processes[0]!.url, unique('Alice'));
    const here = await connect(alice.cookie, 0);
    const there = await connect(alice.cookie, 1);
    const message = await say(there, unique('take me back'));
    await here.next((m) => m.type === 'chat' && m.id === message.id);

    links[1]!.slowDown(5000);
    try {
      there.send({ type: 'delete', id: message.id });
      // Committed (the store has the placeholder), and not heard of on this process yet.
      for (let tries = 0; !(await stored(here, message.id))?.deleted; tries++) {
        expect(tries).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await refusal(here, { type: 'react', id: message.id, emoji: '👍' })).toMatchObject({ type: 'error', data: { code: 'no_such_message' } });
      expect(await refusal(here, { type: 'edit', id: message.id, data: 'back again' })).toMatchObject({ type: 'error', data: { code: 'no_such_message' } });
      expect(here.received.some((m) => m.type === 'deleted')).toBe(false);
      expect(await stored(here, message.id)).toMatchObject({ id: message.id, data: '', deleted: true });
      expect((await stored(here, message.id))?.reactions).toBeUndefined();
    } finally {
      links[1]!.slowDown(0);
    }
    await here.next((m) => m.type === 'deleted' && m.id === message.id, 10_000);
  });

  it('takes a reaction to a recent message the other process wrote, and everyone on both hears it', async () => {
    const [alice, bob] = [await signIn(processes[0]!.url, unique('Alice')), await signIn(processes[1]!.url, unique('Bob'))];
    const a = await connect(alice.cookie, 0);
    const b = await connect(bob.cookie, 1);
    const message = await say(b, unique('react to me'));
    await a.next((m) => m.type === 'chat' && m.id === message.id);
    a.send({ type: 'react', id: message.id, emoji: '🎉' });
    for (const client of [a, b]) {
      expect(await client.next((m) => m.type === 'reactions' && m.id === message.id)).toMatchObject({ data: [{ emoji: '🎉', count: 1 }] });
    }
    a.send({ type: 'edit', id: message.id, data: 'not mine' });
    expect(await a.next((m) => m.type === 'error')).toMatchObject({ data: { code: 'not_yours' } });
  });
});
