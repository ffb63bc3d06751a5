// A crash (kill -9 of the built dist/main.js) in the middle of traffic: no echoed message is lost,
// ids keep increasing, the store is intact, and a resume fills the watcher's gap exactly.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { signIn, spawnServer, tempDataDir, type SignedIn } from '../helpers/server.js';
import { sleep } from '../helpers/wait.js';

/** Messages each sender keeps in flight: it sends the next one as soon as an echo comes back. */
const WINDOW = 8;
const TRAFFIC_MS = 1000;

interface Sender {
  who: SignedIn;
  client: TestClient;
  /** ref → id, for every message whose echo reached the sender. */
  acked: Map<string, number>;
  sent: number;
}

function startSending(sender: Sender, stopped: () => boolean): void {
  const prefix = sender.who.user.name;
  const sendOne = () => {
    if (stopped() || sender.client.socket.readyState !== sender.client.socket.OPEN) return;
    const ref = `${prefix}-${sender.sent++}`;
    sender.client.send({ type: 'chat', data: `${ref} says hi`, ref });
  };
  sender.client.socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as ServerMessage;
    if (message.type === 'chat' && message.ref !== undefined) {
      sender.acked.set(message.ref, message.id);
      sendOne();
    }
  });
  for (let i = 0; i < WINDOW; i++) sendOne();
}

/** The lobby messages a resuming client gets before its `list`: the resumed ones, in the order sent. */
async function resumed(client: TestClient): Promise<ChatMessage[]> {
  await client.next((m) => m.type === 'list' && m.room === 'lobby', 10_000);
  const list = client.received.findIndex((m) => m.type === 'list');
  return client.received.slice(0, list).filter((m): m is ChatMessage => m.type === 'chat');
}

describe('a crash (kill -9) in the middle of traffic', () => {
  it('loses no echoed message, keeps ids increasing, leaves an intact store, and resume fills the gap exactly', async () => {
    const dataDir = tempDataDir();
    const first = await spawnServer({ DATA_DIR: dataDir, RATE_LIMIT: '0' });
    let second: Awaited<ReturnType<typeof spawnServer>> | undefined;
    try {
      const watcherUser = await signIn(first.url, 'Watcher');
      const senders: Sender[] = [];
      for (const name of ['Ann', 'Ben', 'Cy']) {
        const who = await signIn(first.url, name);
        senders.push({ who, client: await TestClient.ready(first.wsUrl, who.cookie), acked: new Map(), sent: 0 });
      }
      const watcher = await TestClient.ready(first.wsUrl, watcherUser.cookie);
      const seenBefore: number[] = [];
      watcher.socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as ServerMessage;
        if (message.type === 'chat') seenBefore.push(message.id);
      });

      let killed = false;
      for (const sender of senders) startSending(sender, () => killed);
      // The watcher goes away halfway, so it has a real gap to resume; the senders go on until the crash.
      await sleep(TRAFFIC_MS / 2); // a sleep on purpose: traffic for a while, so the crash comes in the middle of it
      await watcher.close();
      await sleep(TRAFFIC_MS / 2);
      // Mid-traffic: every sender has messages in flight right now.
      expect(senders.every((sender) => sender.sent > sender.acked.size)).toBe(true);
      first.child.kill('SIGKILL');
      killed = true;
      expect((await first.exited).signal).toBe('SIGKILL');
      await Promise.all(senders.map((sender) => sender.client.closed));
      for (const sender of senders) expect(sender.acked.size).toBeGreaterThan(20);

      second = await spawnServer({ DATA_DIR: dataDir, RATE_LIMIT: '0' });
      const db = new Database(path.join(dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const stored = new Map(
          (db.prepare("SELECT id, data FROM messages WHERE room = 'lobby' ORDER BY id").all() as { id: number; data: string }[]).map(
            (row) => [row.id, row.data],
          ),
        );
        // Every message whose echo reached its sender was written before it was sent: it is there, under its id.
        for (const sender of senders) {
          for (const [ref, id] of sender.acked) expect(stored.get(id), ref).toBe(`${ref} says hi`);
        }
        // So is everything the watcher saw live.
        for (const id of seenBefore) expect(stored.has(id)).toBe(true);

        // Resume from the last id the watcher saw: exactly the stored lobby messages after it, in order, once each.
        const lastSeen = Math.max(0, ...seenBefore);
        const again = await TestClient.connect(second.wsUrl, { cookie: watcherUser.cookie, since: lastSeen });
        const replayed = (await resumed(again)).map((m) => m.id);
        const expected = [...stored.keys()].filter((id) => id > lastSeen);
        expect(expected.length).toBeGreaterThan(20);
        expect(replayed).toEqual(expected);
        expect(new Set([...seenBefore, ...replayed]).size).toBe(seenBefore.length + replayed.length);
        // Live and resumed together: every lobby message in the store, without a gap.
        expect([...seenBefore, ...replayed].sort((a, b) => a - b)).toEqual([...stored.keys()]);

        // Ids keep increasing after the restart, and the sender's cookie still works.
        const maxBefore = Math.max(...stored.keys());
        const ann = await TestClient.ready(second.wsUrl, senders[0]!.who.cookie);
        ann.send({ type: 'chat', data: 'after the crash', ref: 'after' });
        const fresh = await ann.next<ChatMessage>((m) => m.type === 'chat' && m.ref === 'after');
        expect(fresh.id).toBeGreaterThan(maxBefore);
        const live = await again.next<ChatMessage>((m) => m.type === 'chat' && m.data === 'after the crash');
        expect(live.id).toBe(fresh.id);
        await Promise.all([ann.close(), again.close()]);
      } finally {
        db.close();
      }
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
      if (second) {
        second.child.kill('SIGTERM');
        expect((await second.exited).code).toBe(0);
      }
    }
  });
});
