// The server as its own process (the built dist/main.js): SIGTERM and SIGINT close every socket
// with 1001, lose nothing accepted and exit 0, and a restart keeps history and cookies; a bad
// setting stops the start, naming the variable; /healthz answers while running.
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { signIn, spawnServer, tempDataDir } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

describe('running as a process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s closes every socket with 1001, loses nothing accepted, exits 0; a restart keeps history and cookies',
    async (signal) => {
      const dataDir = tempDataDir();
      const first = await spawnServer({ DATA_DIR: dataDir, RATE_LIMIT: '0' });
      const alice = await signIn(first.url, 'Alice');
      const bob = await signIn(first.url, 'Bob');
      const a = await TestClient.ready(first.wsUrl, alice.cookie);
      const b = await TestClient.ready(first.wsUrl, bob.cookie);
      for (let i = 0; i < 25; i++) a.send({ type: 'chat', data: `before ${signal} ${i}`, ref: `r${i}` });
      let lastId = 0;
      for (let i = 0; i < 25; i++) lastId = (await a.next<ChatMessage>((m) => m.type === 'chat' && m.ref === `r${i}`)).id;

      first.child.kill(signal);
      const [closedA, closedB, exit] = await Promise.all([a.closed, b.closed, first.exited]);
      expect(closedA.code).toBe(1001);
      expect(closedB.code).toBe(1001);
      expect(exit).toEqual({ code: 0, signal: null });

      const second = await spawnServer({ DATA_DIR: dataDir });
      try {
        const page = await fetch(`${second.url}/`, { headers: { cookie: alice.cookie }, redirect: 'manual' });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain(`before ${signal} 24`);
        const again = await TestClient.connect(second.wsUrl, { cookie: alice.cookie });
        const history = await again.nextOfType('history');
        expect(history.data.map((m) => m.id).at(-1)).toBe(lastId);
        again.send({ type: 'chat', data: 'after restart' });
        const fresh = await again.nextOfType('chat');
        expect(fresh.id).toBeGreaterThan(lastId);
        await again.close();
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    },
  );

  it('refuses to start on a bad setting, naming the variable', async () => {
    await expect(spawnServer({ DATA_DIR: tempDataDir(), PORT: 'eighty' })).rejects.toThrow(/PORT must be a whole number/);
  });

  it('starts with V8 flags on its command line (a memory limit, say), and its worker threads search and checkpoint under them', async () => {
    const server = await spawnServer({ DATA_DIR: tempDataDir() }, ['--max-old-space-size=512', '--max-semi-space-size=32']);
    try {
      const alice = await signIn(server.url, 'Alice');
      const a = await TestClient.ready(server.wsUrl, alice.cookie);
      a.send({ type: 'chat', data: 'flagged haystack' });
      const said = await a.nextOfType('chat');
      // The search worker answers (the message is indexed within a second or so).
      const found = async () => {
        const response = await fetch(`${server.url}/search?q=haystack`, { headers: { cookie: alice.cookie } });
        return ((await response.json()) as { id: number }[]).map((hit) => hit.id);
      };
      await until('the message found by search', found, (ids) => ids.includes(said.id));
      await a.close();
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  });

  it('answers /healthz while running', async () => {
    const server = await spawnServer({ DATA_DIR: tempDataDir() });
    try {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  });
});
