import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ HEARTBEAT_MS: '200' });
});
afterAll(() => server.close());

it('ends a connection that stops answering pings, and the others see it leave', async () => {
  const watcher = await signIn(server.url, 'Watcher');
  const ghost = await signIn(server.url, 'Ghost');
  const w = await TestClient.ready(server.wsUrl, watcher.cookie);
  // A peer that has gone silent: it never answers the server's pings.
  const silent = new WebSocket(server.wsUrl, { headers: { cookie: ghost.cookie }, autoPong: false });
  await w.next((m) => m.type === 'join' && m.user.id === ghost.user.id);
  const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
  const left = await w.next((m) => m.type === 'left' && m.user.id === ghost.user.id, 2000);
  expect(left).toMatchObject({ room: 'lobby' });
  expect(await closed).toBe(1006);
  await w.close();
});

it('keeps a connection that answers pings open well past several intervals', async () => {
  const { cookie } = await signIn(server.url, 'Awake');
  const client = await TestClient.ready(server.wsUrl, cookie);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
  client.send({ type: 'chat', data: 'still here' });
  expect(await client.nextOfType('chat')).toMatchObject({ data: 'still here' });
  await client.close();
});
