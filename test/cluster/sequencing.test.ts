// Two processes on one PostgreSQL database whose bus misbehaves as Redis can: one process's link
// is slow, so its publishes arrive after a later message of the other; or a publish is lost on the
// way. Every member, on either process, still gets every message once and in id order, and a
// sender still gets its own message back with its `ref`.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { unique } from '../helpers/chat.js';
import { TestClient } from '../helpers/client.js';
import { useLinkedProcesses } from '../helpers/linkedProcesses.js';
import { postgresForTests } from '../helpers/postgres.js';
import { signIn } from '../helpers/server.js';

const ready = await postgresForTests();

describe.skipIf(!ready)('messages in id order whatever the bus does', () => {
  const { links, processes, clients } = useLinkedProcesses({ SIGNIN_RATE_LIMIT: '0' });

  let round = 0;
  /**
   * A member on each process, and Alice on the first, Bob on the second: names of this round's own,
   * since the last round's people are still signed in (and hold theirs).
   */
  async function people() {
    round++;
    const connect = async (name: string, at: number) => {
      const who = await signIn(processes[at]!.url, `${name} ${round}`);
      const client = await TestClient.connect(processes[at]!.wsUrl, { cookie: who.cookie, greeted: true });
      clients.push(client);
      return client;
    };
    return { alice: await connect('Alice', 0), bob: await connect('Bob', 1), members: [await connect('M1', 0), await connect('M2', 1)] };
  }

  const chatsIn = (client: TestClient, texts: string[]) => client.received.filter((m: ServerMessage): m is ChatMessage => m.type === 'chat' && texts.includes(m.data));

  /** Waits until each member has all of `texts`, and returns what each got, in the order it came. */
  async function expectEveryoneInOrder(members: TestClient[], texts: string[]) {
    for (const member of members) {
      await expect.poll(() => chatsIn(member, texts).length, { timeout: 5000 }).toBe(texts.length);
      const got = chatsIn(member, texts);
      expect(got.map((m) => m.data)).toEqual(texts);
      expect(got.every((m, i) => i === 0 || m.id === got[i - 1]!.id + 1)).toBe(true);
    }
  }

  it('puts a slow process’s message before a later one of a quick process, for members on both', async () => {
    const { alice, bob, members } = await people();
    links[0]!.slowDown(300);
    const [first, second] = [unique('first'), unique('second')];
    alice.send({ type: 'chat', data: first, ref: 'a1' });
    // Stored after Alice's (so with the higher id), but published long before hers arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    bob.send({ type: 'chat', data: second, ref: 'b1' });
    try {
      await expectEveryoneInOrder([...members, alice, bob], [first, second]);
    } finally {
      links[0]!.slowDown(0);
    }
    expect(chatsIn(alice, [first])[0]!.ref).toBe('a1');
    expect(chatsIn(bob, [second])[0]!.ref).toBe('b1');
  });

  it('reads a message whose publish was lost from the database, in its place, the sender’s copy with its ref', async () => {
    const { alice, bob, members } = await people();
    links[0]!.lose(1);
    const [lost, after] = [unique('lost'), unique('after')];
    alice.send({ type: 'chat', data: lost, ref: 'a-lost' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    bob.send({ type: 'chat', data: after, ref: 'b-after' });
    await expectEveryoneInOrder([...members, alice, bob], [lost, after]);
    expect(chatsIn(alice, [lost])[0]!.ref).toBe('a-lost');
  });

  it('finds a lost publish with nothing after it too, within a couple of seconds', async () => {
    const { alice, bob, members } = await people();
    links[1]!.lose(1);
    const alone = unique('alone');
    bob.send({ type: 'chat', data: alone, ref: 'b-alone' });
    await expectEveryoneInOrder([...members, alice, bob], [alone]);
    expect(chatsIn(bob, [alone])[0]!.ref).toBe('b-alone');
  });
});
