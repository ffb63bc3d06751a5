// Caps and limits per user and per address: sign-ins a minute (and X-Forwarded-For not believed
// without TRUST_PROXY), connections of one user (1008) and of one address (429), freed on close.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { join, presence } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

describe('caps and limits', () => {
  describe('with SIGNIN_RATE_LIMIT=3', () => {
    const chat = useServer({ MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_ADDRESS: '4', SIGNIN_RATE_LIMIT: '3' });

    it('signs in at most SIGNIN_RATE_LIMIT times a minute per address, and X-Forwarded-For is not believed without TRUST_PROXY', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${chat.server.url}/signin`, {
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
  });

  describe('with MAX_CONNECTIONS_PER_USER=2 and MAX_CONNECTIONS_PER_ADDRESS=3', () => {
    const chat = useServer({ MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_ADDRESS: '3' });

    it('caps the connections of one user (1008) and of one address (429), and frees them on close', async () => {
      const [alice, bob] = await chat.users('Many Tabs', 'Bob');
      const tabs = [await chat.connect(alice), await chat.connect(alice)];
      const third = await chat.open(alice);
      expect(await third.closed).toEqual({ code: 1008, reason: 'Too many connections' });
      // Bob has his own allowance, but the address has one connection left.
      const b = await chat.connect(bob);
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(chat.server.wsUrl, { headers: { cookie: bob.cookie, 'x-forwarded-for': '198.51.100.7' } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => {});
      });
      expect(refused).toBe(429);
      // A room for the first tab and Bob: Bob hears Alice leave it once the server has seen that tab close.
      const room = await chat.createRoom(bob);
      await join(tabs[0]!, room);
      await join(b, room);
      await tabs[0]?.close();
      await b.next(presence('left', alice.user, room));
      const again = await chat.connect(alice);
      expect(again.socket.readyState).toBe(WebSocket.OPEN);
    });
  });
});
