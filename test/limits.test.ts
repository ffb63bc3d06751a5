import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_ADDRESS: '4', SIGNIN_RATE_LIMIT: '3' });
});
afterAll(() => server.close());

describe('caps and limits', () => {
  it('signs in at most SIGNIN_RATE_LIMIT times a minute per address, and X-Forwarded-For is not believed without TRUST_PROXY', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${server.url}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
        body: JSON.stringify({ name: `n${i}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBeTruthy();
        expect(await response.json()).toEqual({ code: 1, error: expect.any(String) });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('caps the connections of one user (1008) and of one address (429), and frees them on close', async () => {
    const other = await startTestServer({ MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_ADDRESS: '3', SIGNIN_RATE_LIMIT: '0' });
    try {
      const alice = await signIn(other.url, 'Many Tabs');
      const bob = await signIn(other.url, 'Bob');
      const tabs = [await TestClient.ready(other.wsUrl, alice.cookie), await TestClient.ready(other.wsUrl, alice.cookie)];
      const third = await TestClient.connect(other.wsUrl, { cookie: alice.cookie });
      expect(await third.closed).toEqual({ code: 1008, reason: 'Too many connections' });
      // Bob has his own allowance, but the address has one connection left.
      const b = await TestClient.ready(other.wsUrl, bob.cookie);
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(other.wsUrl, { headers: { cookie: bob.cookie, 'x-forwarded-for': '198.51.100.7' } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => {});
      });
      expect(refused).toBe(429);
      await tabs[0]?.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await TestClient.ready(other.wsUrl, alice.cookie);
      expect(again.socket.readyState).toBe(WebSocket.OPEN);
      for (const client of [tabs[1], again, b]) await client?.close();
    } finally {
      await other.close();
    }
  });
});
