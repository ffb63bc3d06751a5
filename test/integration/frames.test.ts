// Frames (docs/protocol.md §3): a binary frame closes with 1003, one over the frame limit with 1009
// (64 KiB, or MAX_FRAME_BYTES), and neither is delivered; a big frame under the limit is handled.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, closeCode, expectNone, expectStillChatting, isError, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const chat = useServer();

describe('frames', () => {
  it('a binary frame closes the connection with 1003 and is not delivered', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a, b] = await chat.connectEach(alice, bob);

    const text = unique('binary');
    a.socket.send(Buffer.from(JSON.stringify({ type: 'chat', data: text })), { binary: true });
    expect(await closeCode(a)).toBe(1003);
    await expectNone(b, chatWith(text));
  });

  it('a frame over 64 KiB closes with 1009; a big frame under the limit is still handled', async () => {
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);

    // 60 KiB: under the frame limit, so it is read and refused as too long, and the socket stays
    a.send({ type: 'chat', data: 'x'.repeat(60 * 1024), ref: 'big' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('too_long');
    await expectStillChatting(a);

    a.send('y'.repeat(64 * 1024 + 1));
    expect(await closeCode(a)).toBe(1009);
  });

  describe('with MAX_FRAME_BYTES=1024', () => {
    const small = useServer({ MAX_FRAME_BYTES: '1024' });

    it('MAX_FRAME_BYTES shrinks the frame limit', async () => {
      const alice = await small.signIn('Alice');
      const bob = await small.signIn('Bob');
      const a = await small.connect(alice);
      const b = await small.connect(bob);

      const fits = unique('fits') + 'f'.repeat(900);
      a.send({ type: 'chat', data: fits });
      await b.next(chatWith(fits));

      const tooBig = unique('too-big') + 'g'.repeat(1100);
      a.send({ type: 'chat', data: tooBig });
      expect(await closeCode(a)).toBe(1009);
      await expectNone(b, chatWith(tooBig));
    });
  });
});
