// The load generator's own WebSocket client against a real `ws` server: what it sends arrives as
// sent, and every shape of frame a server may write reaches it whole (a frame split over reads,
// frames sharing a read, 16- and 64-bit lengths, fragments, pings, the closing handshake).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { BenchSocket } from '../../src/tools/bench/benchSocket.js';

interface Seen {
  opened: boolean;
  messages: string[];
  errors: string[];
  closed?: { code: number; reason: string };
}

let server: http.Server | undefined;
/** Every client opened, and every server side of an upgrade: an upgraded socket keeps its server open. */
const ends: Array<{ destroy(): void }> = [];

afterEach(async () => {
  for (const end of ends.splice(0)) end.destroy();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A `ws` server whose every connection `onConnection` handles; refuses upgrades without `?ok`. */
async function serve(onConnection: (ws: WebSocket) => void): Promise<string> {
  server = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    ends.push(socket);
    if (!request.url?.includes('ok')) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.send(`cookie ${request.headers.cookie ?? ''}`);
      onConnection(ws);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server!.address() as AddressInfo).port}/socket?ok`;
}

/** A BenchSocket that records what happens to it; `until` resolves once a condition holds. */
function open(url: string) {
  const seen: Seen = { opened: false, messages: [], errors: [] };
  const waiters: Array<{ holds: (seen: Seen) => boolean; resolve: () => void }> = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.holds(seen)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const socket = new BenchSocket(
    new URL(url),
    {
      open: () => {
        seen.opened = true;
        check();
      },
      message: (data) => {
        seen.messages.push(data.toString('utf8'));
        check();
      },
      error: (error) => {
        seen.errors.push(error.message);
        check();
      },
      close: (code, reason) => {
        seen.closed = { code, reason };
        check();
      },
    },
    { handshakeTimeoutMs: 5_000, headers: { cookie: 'user=abc' } },
  );
  ends.push({ destroy: () => socket.terminate() });
  const until = (holds: (seen: Seen) => boolean) =>
    new Promise<void>((resolve) => {
      waiters.push({ holds, resolve });
      check();
    });
  return { socket, seen, until };
}

describe("the bench's WebSocket client", () => {
  it('sends its headers and masked text, and reads frames of every length, fragments and pings', async () => {
    const big = 'x'.repeat(70_000);
    const middle = 'm'.repeat(300);
    const pongs: string[] = [];
    const url = await serve((ws) => {
      ws.on('pong', (data) => pongs.push(data.toString()));
      ws.on('message', (data) => {
        ws.ping('are you there');
        // Sent corked: several frames reach the client in one read, the big one over several.
        ws.send(`echo ${data.toString()}`);
        ws.send(middle);
        ws.send(big);
        ws.send('one ', { fin: false });
        ws.send('two', { fin: true });
        ws.send(`pongs ${pongs.length}`);
      });
    });
    const { socket, seen, until } = open(url);
    await until((s) => s.messages.length === 1);
    expect(seen.opened).toBe(true);
    expect(seen.messages).toEqual(['cookie user=abc']);
    // Long enough to need a 16-bit length, and not all ASCII.
    const line = 'héllo, a long enough line to need more than one byte of length '.repeat(3);
    expect(socket.send(line)).toBe(true);
    await until((s) => s.messages.length === 6);
    expect(seen.messages.slice(1)).toEqual([`echo ${line}`, middle, big, 'one two', 'pongs 0']);
    // The ping's answer comes back before the server's next message is read (frames in order).
    expect(socket.send('again')).toBe(true);
    await until((s) => s.messages.length === 11);
    expect(pongs[0]).toBe('are you there');
    expect(seen.messages[10]).toBe('pongs 1');
    expect(seen.errors).toEqual([]);
    socket.terminate();
    expect(socket.isOpen).toBe(false);
    expect(socket.send('gone')).toBe(false);
  });

  it('puts together a frame that arrives in pieces, and splits frames that arrive together', async () => {
    // A raw server, so that the pieces are ours: the 101 and a frame's first byte in one write, its
    // length in the next, its text over two more, then two whole frames in one write.
    server = http.createServer();
    server.on('upgrade', (request, socket) => {
      ends.push(socket);
      const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      const text = Buffer.from('p'.repeat(200));
      const frame = (payload: Buffer) =>
        Buffer.concat([payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]), payload]);
      const pieces = [
        Buffer.concat([Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`), frame(text).subarray(0, 1)]),
        frame(text).subarray(1, 3),
        frame(text).subarray(3, 100),
        frame(text).subarray(100),
        Buffer.concat([frame(Buffer.from('first')), frame(Buffer.from('second'))]),
      ];
      const next = () => {
        const piece = pieces.shift();
        if (piece) socket.write(piece, () => setTimeout(next, 20));
      };
      next();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { seen, until } = open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await until((s) => s.messages.length === 3);
    expect(seen.messages).toEqual(['p'.repeat(200), 'first', 'second']);
    expect(seen.errors).toEqual([]);
  });

  it("answers the server's close with its own and reports the code and reason", async () => {
    let serverSaw: (value: { code: number; reason: string }) => void = () => {};
    const serverClosed = new Promise<{ code: number; reason: string }>((resolve) => (serverSaw = resolve));
    const url = await serve((ws) => {
      ws.on('close', (code, reason) => serverSaw({ code, reason: reason.toString() }));
      ws.close(4001, 'signed out');
    });
    const { seen, until } = open(url);
    await until((s) => s.closed !== undefined);
    expect(seen.closed).toEqual({ code: 4001, reason: 'signed out' });
    expect(seen.messages).toEqual(['cookie user=abc']);
    // ws reports the server's own code only when the client answered with a close frame (1006 if not).
    expect(await serverClosed).toEqual({ code: 4001, reason: '' });
  });

  it('fails a refused handshake with the status, and closes as 1006', async () => {
    const url = (await serve(() => undefined)).replace('?ok', '');
    const { seen, until } = open(url);
    await until((s) => s.closed !== undefined);
    expect(seen.opened).toBe(false);
    expect(seen.errors).toEqual(['Unexpected server response: 401']);
    expect(seen.closed).toEqual({ code: 1006, reason: '' });
  });
});
