// The heartbeat (HEARTBEAT_MS): a connection that stops answering the server's pings is ended and
// the others see it leave; one that answers stays open past several intervals.
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { useServer } from '../helpers/fixture.js';
import { sleep } from '../helpers/wait.js';

const chat = useServer({ HEARTBEAT_MS: '200' });

it('ends a connection that stops answering pings, and the others see it leave', async () => {
  const [watcher, ghost] = await chat.users('Watcher', 'Ghost');
  const w = await chat.connect(watcher);
  // A peer that has gone silent: it never answers the server's pings.
  const silent = new WebSocket(chat.server.wsUrl, { headers: { cookie: ghost.cookie }, autoPong: false });
  await w.next((m) => m.type === 'join' && m.user.id === ghost.user.id);
  const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
  const left = await w.next((m) => m.type === 'left' && m.user.id === ghost.user.id, 2000);
  expect(left).toMatchObject({ room: 'lobby' });
  expect(await closed).toBe(1006);
});

it('keeps a connection that answers pings open well past several intervals', async () => {
  const awake = await chat.signIn('Awake');
  const client = await chat.connect(awake);
  await sleep(1000); // a sleep on purpose: five heartbeat intervals have to pass
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
  client.send({ type: 'chat', data: 'still here' });
  expect(await client.nextOfType('chat')).toMatchObject({ data: 'still here' });
});
