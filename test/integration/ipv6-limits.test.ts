// Per-address limits count an IPv6 client by its /64 (one subscriber's block) and an IPv4-mapped
// address as the IPv4 address: sign-ins a minute and open WebSockets alike. The tests pose as any
// address with TRUST_PROXY=1 and X-Forwarded-For.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useServer } from '../helpers/fixture.js';

describe('per-address limits by IPv6 /64', () => {
  const chat = useServer({ TRUST_PROXY: '1', SIGNIN_RATE_LIMIT: '2', MAX_CONNECTIONS_PER_ADDRESS: '2' });

  let signIns = 0;
  // A name of its own each time: a name held by someone signed in is 409, whatever the address.
  const signInFrom = async (address: string): Promise<number> => {
    const response = await fetch(`${chat.server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ name: `Neighbour ${++signIns}` }),
    });
    await response.text();
    return response.status;
  };

  it('shares the sign-in allowance across one /64, and not with the next /64', async () => {
    expect(await signInFrom('2001:db8:aa:1::1')).toBe(200);
    expect(await signInFrom('2001:db8:aa:1:ffff:1234:5678:9abc')).toBe(200);
    // A third address in the same /64: the allowance of two is spent.
    expect(await signInFrom('2001:db8:aa:1::dead:beef')).toBe(429);
    // The next /64 has its own.
    expect(await signInFrom('2001:db8:aa:2::1')).toBe(200);
  });

  it('counts an IPv4-mapped address as the IPv4 address', async () => {
    expect(await signInFrom('198.51.100.20')).toBe(200);
    expect(await signInFrom('::ffff:198.51.100.20')).toBe(200);
    expect(await signInFrom('::ffff:c633:6414')).toBe(429);
  });

  it('caps open WebSockets per /64 too', async () => {
    const user = await chat.signIn('Sockets');
    const open: WebSocket[] = [];
    const status = (address: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(chat.server.wsUrl, { headers: { cookie: user.cookie, 'x-forwarded-for': address } });
        open.push(socket);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => {});
      });
    try {
      expect(await status('2001:db8:bb:1::1')).toBe(101);
      expect(await status('2001:db8:bb:1::2')).toBe(101);
      expect(await status('2001:db8:bb:1::3')).toBe(429);
      expect(await status('2001:db8:bb:2::1')).toBe(101);
    } finally {
      for (const socket of open) socket.terminate();
    }
  });
});
