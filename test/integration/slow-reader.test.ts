// A client that stops reading (the built dist/main.js, MAX_BUFFERED_BYTES small): it is dropped at
// the buffer cap while everyone else gets every message, in order, at full speed.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { signIn, spawnServer, tempDataDir } from '../helpers/server.js';

const CAP = 256 * 1024;
const MESSAGES = 2000;
/** ~4.5 KB of UTF-8 each, 9 MB in all: well past the cap plus what the kernel's socket buffers hold (~4 MB on loopback). */
const BODY = '慢'.repeat(1500);
/** Messages the flooder has in flight: ~140 KB, well under the cap. */
const WINDOW = 32;

/** Peak resident memory of a process, in bytes (Linux); undefined elsewhere. */
function peakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const isLeftOf = (userId: string) => (m: ServerMessage) => m.type === 'left' && m.room === 'lobby' && m.user.id === userId;

describe('a client that stops reading', () => {
  it('is dropped at the buffer cap while everyone else gets every message, in order, at full speed', async () => {
    const server = await spawnServer({ DATA_DIR: tempDataDir(), RATE_LIMIT: '0', MAX_BUFFERED_BYTES: String(CAP) });
    try {
      const slowUser = await signIn(server.url, 'Slow');
      const alice = await signIn(server.url, 'Alice');
      const carol = await signIn(server.url, 'Carol');
      const slow = await TestClient.ready(server.wsUrl, slowUser.cookie);
      const flooder = await TestClient.ready(server.wsUrl, alice.cookie);
      const reader = await TestClient.ready(server.wsUrl, carol.cookie);
      // Stops reading: the TCP socket under the WebSocket is paused, so the kernel buffers fill and then the server's.
      slow.stopReading();

      const started = Date.now();
      // As fast as the server takes them, WINDOW in flight: a flooder that sent all 9 MB before reading
      // anything would itself be past the cap on a busy machine, and dropped as a slow reader too.
      const echoOf = (i: number) => (m: ServerMessage) => m.type === 'chat' && m.ref === `f${i}`;
      for (let i = 0; i < MESSAGES; i++) {
        if (i >= WINDOW) await flooder.next(echoOf(i - WINDOW), 20_000);
        flooder.send({ type: 'chat', data: `${i} ${BODY}`, ref: `f${i}` });
      }
      await flooder.next(echoOf(MESSAGES - 1), 20_000);
      const lastEcho = Date.now();

      // The server ends the slow connection itself, and the room hears the user leave, within a couple of seconds.
      const left = await reader.next(isLeftOf(slowUser.user.id), Math.max(1, 2000 - (Date.now() - lastEcho)));
      expect(left.type).toBe('left');
      await flooder.next(isLeftOf(slowUser.user.id), 2000);

      // The normal reader got every message, in order, without gaps, while the flood ran.
      // Messages arrive in order: once the last one is here, so is every one before it that was sent.
      await reader.next((m) => m.type === 'chat' && m.user.id === alice.user.id && m.data.startsWith(`${MESSAGES - 1} `), 10_000);
      const got = reader.received.filter((m): m is ChatMessage => m.type === 'chat' && m.user.id === alice.user.id);
      expect(got.map((m) => Number(m.data.split(' ')[0]))).toEqual([...Array(MESSAGES).keys()]);
      for (let i = 1; i < got.length; i++) expect(got[i]!.id).toBeGreaterThan(got[i - 1]!.id);
      expect(got.every((m) => m.data.endsWith(BODY))).toBe(true);
      // Full speed: 9 MB through a local socket is a matter of a few seconds at most, not of waiting on the slow one.
      expect(Date.now() - started).toBeLessThan(15_000);

      // Dropped as soon as it was past the cap: never more than the cap plus one frame was held for it.
      const dropped = server
        .output()
        .split('\n')
        .filter((line) => line.includes('"slow_reader_dropped"'))
        .map((line) => JSON.parse(line) as { user: string; buffered: number });
      expect(dropped.map((entry) => entry.user)).toEqual([slowUser.user.id]);
      expect(dropped[0]!.buffered).toBeGreaterThan(CAP);
      expect(dropped[0]!.buffered).toBeLessThan(CAP + 16 * 1024);

      // And the process did not grow with the flood (a sane bound: the 9 MB never piled up per socket).
      const peak = peakRss(server.child.pid);
      if (peak !== undefined) expect(peak).toBeLessThan(256 * 1024 * 1024);

      // Nobody else was dropped.
      expect(reader.socket.readyState).toBe(reader.socket.OPEN);
      expect(flooder.socket.readyState).toBe(flooder.socket.OPEN);
      slow.socket.terminate();
      await Promise.all([reader.close(), flooder.close()]);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
