// A resume from far back is replayed a page at a time: every message once, in order, across the
// page boundaries, then the greeting goes on as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/shared/protocol/index.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
});

afterAll(async () => {
  await server?.close();
});

describe('resume from far back', () => {
  it('replays every missed message once, in order, over several pages, then the list', async () => {
    const writer = await signIn(server.url, 'Writer');
    const reader = await signIn(server.url, 'Reader');
    const sender = await TestClient.ready(server.wsUrl, writer.cookie);
    const total = 1234;
    for (let i = 0; i < total; i++) sender.send({ type: 'chat', data: `missed ${i}`, ref: `m${i}` });
    const first = await sender.next<ChatMessage>((m) => m.type === 'chat' && m.ref === 'm0');
    await sender.next((m) => m.type === 'chat' && m.ref === `m${total - 1}`, 15_000);

    const resumed = await TestClient.ready(server.wsUrl, reader.cookie, first.id - 1);
    const listAt = resumed.received.findIndex((m) => m.type === 'list');
    const replayed = resumed.received.slice(0, listAt).filter((m): m is ChatMessage => m.type === 'chat');
    expect(replayed.map((m) => m.data)).toEqual(Array.from({ length: total }, (_, i) => `missed ${i}`));
    expect(new Set(replayed.map((m) => m.id)).size).toBe(total);
    expect(resumed.received.some((m) => m.type === 'history')).toBe(false);
    await Promise.all([sender.close(), resumed.close()]);
  });
});
