// Two processes on one PostgreSQL database, one of them slow on the bus: a change it committed
// first (a reaction) is published after a later change of the other (an edit). Every connection
// still hears the changes in change order, and a client that drops its socket on the first change
// it hears and resumes with `changes=` that number misses nothing (without the order it would hear
// the later change first, resume after it, and never hear of the reaction).
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { say, unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { useLinkedProcesses } from '../helpers/linkedProcesses.js';
import { postgresForTests } from '../helpers/postgres.js';
import { signIn } from '../helpers/server.js';

const ready = await postgresForTests();
type Change = Extract<ServerMessage, { type: 'edited' | 'deleted' | 'reactions' }>;
const isChange = (m: ServerMessage): m is Change => m.type === 'edited' || m.type === 'deleted' || m.type === 'reactions';

describe.skipIf(!ready)('changes in change order across processes', () => {
  const { links, processes, clients } = useLinkedProcesses({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });

  const connect = async (name: string, at: number, options: { since?: number; changes?: number } = {}) => {
    const who = await signIn(processes[at]!.url, name);
    const client = await TestClient.connect(processes[at]!.wsUrl, { cookie: who.cookie, greeted: true, ...options });
    clients.push(client);
    return { who, client };
  };

  it('puts a slow process’s earlier change first, and a client resuming after the first one it heard misses none', async () => {
    const alice = await connect(unique('Alice'), 0);
    const bob = await connect(unique('Bob'), 1);
    const watcher = await connect(unique('Watcher'), 1);
    const reader = await connect(unique('Reader'), 1);
    const message = await say(bob.client, unique('change me'));
    await reader.client.next((m) => m.type === 'chat' && m.id === message.id);

    links[0]!.slowDown(300);
    try {
      alice.client.send({ type: 'react', id: message.id, emoji: '👍', ref: 'slow' });
      // Committed after Alice's reaction (so with the higher number), published long before hers arrives.
      await new Promise((resolve) => setTimeout(resolve, 60));
      bob.client.send({ type: 'edit', id: message.id, data: 'edited', ref: 'quick' });
      // The reader drops its socket on the first change it hears and resumes with its number.
      const first = (await reader.client.next(isChange, 5000)) as Change;
      reader.client.terminate();
      const back = await TestClient.connect(processes[1]!.wsUrl, { cookie: reader.who.cookie, since: message.id, changes: first.change });
      clients.push(back);
      await watcher.client.next((m) => isChange(m) && m.type === 'edited', 5000);
      await watcher.client.next((m) => isChange(m) && m.type === 'reactions', 5000);
      const heard = watcher.client.received.filter(isChange);
      expect(heard.map((m) => m.type)).toEqual(['reactions', 'edited']);
      expect(heard[1]!.change).toBe(heard[0]!.change + 1);
      await back.settle();
      const got = [first, ...back.received.filter(isChange)];
      expect(got.map((m) => m.type).sort()).toEqual(['edited', 'reactions']);
      expect(got.map((m) => m.change)).toEqual(heard.map((m) => m.change));
    } finally {
      links[0]!.slowDown(0);
    }
  });
});
