// TCP connections to the whole server: one that never sends a byte is closed within the headers
// timeout (HEADERS_TIMEOUT_MS, short here), and past MAX_CONNECTIONS a new connection gets a polite
// 503 with Retry-After and Connection: close (an upgrade too), until one of the open ones closes.
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixture.js';
import { upgradeStatus } from '../helpers/upgrade.js';
import { until } from '../helpers/wait.js';

/** A raw TCP connection to the server, with what it has received and when it closed. */
interface Raw {
  socket: net.Socket;
  text(): string;
  /** Milliseconds from connecting to the close. */
  closed: Promise<number>;
}

function connectRaw(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const start = Date.now();
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => {});
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - start)));
    socket.once('connect', () => resolve({ socket, text: () => received, closed }));
    socket.once('error', reject);
  });
}

/** GET `path` on a connection of its own (`Connection: close`): the status and headers. */
function getAlone(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
  });
}

describe('connections that say nothing', () => {
  const TIMEOUT_MS = 600;
  const chat = useServer({ HEADERS_TIMEOUT_MS: String(TIMEOUT_MS) });

  it('closes a connection that sends no byte within the headers timeout, and keeps one that made a request', async () => {
    const silent = await connectRaw(chat.server.port);
    const talking = await connectRaw(chat.server.port);
    talking.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const after = await silent.closed;
    expect(after).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(after).toBeLessThan(TIMEOUT_MS + 1000);
    // Closed as it was, or (when Node's own headers check comes first, under load) after a 408: either way, nothing else.
    expect(silent.text()).toMatch(/^(HTTP\/1\.1 408 [^]*)?$/);
    // The one that spoke was answered and is still open (until the keep-alive timeout of 5 s).
    expect(talking.text()).toMatch(/^HTTP\/1\.1 200/);
    expect(talking.socket.destroyed).toBe(false);
    talking.socket.destroy();
  });

  it('answers a request whose headers never end with 408 and closes it, within the timeout and a fifth', async () => {
    const slow = await connectRaw(chat.server.port);
    slow.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const after = await slow.closed;
    expect(after).toBeLessThan(TIMEOUT_MS * 1.2 + 1000);
    expect(slow.text()).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('MAX_CONNECTIONS', () => {
  const chat = useServer({ MAX_CONNECTIONS: '3' });

  it('refuses the connection past the cap with 503, Retry-After and Connection: close, and accepts again once one closes', async () => {
    const port = chat.server.port;
    const open = [await connectRaw(port), await connectRaw(port), await connectRaw(port)];
    try {
      const refused = await getAlone(port, '/healthz');
      expect(refused.status).toBe(503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers.connection).toBe('close');
      expect(refused.body).toMatch(/try again/);
      expect(await upgradeStatus(chat.server.wsUrl)).toBe(503);
      // A raw client that sent its request gets the same answer, and then the end of the connection.
      const raw = await connectRaw(port);
      raw.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await raw.closed;
      expect(raw.text()).toMatch(/^HTTP\/1\.1 503 /);

      open.shift()?.socket.destroy();
      // The server counts the closed one out as soon as it sees the close.
      const accepted = await until('a connection accepted again', () => getAlone(port, '/healthz'), (r) => r.status === 200, 3000);
      expect(accepted.body).toContain('ok');
    } finally {
      for (const raw of open) raw.socket.destroy();
    }
  });
});
