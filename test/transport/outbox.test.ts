// The outbox: everything due to a socket in one tick goes out in one write, after the commit.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { textFrame } from '../../src/transport/frame.js';
import { Outbox, type Recipient } from '../../src/transport/outbox.js';
import { decodeFrames } from '../helpers/frames.js';

/** A recipient whose stream records each write; `stuck` bytes pretend the peer stopped reading. */
function recipient(events: string[], stuck = 0): Recipient & { writes: Buffer[]; terminated: boolean } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk);
      events.push('write');
      done();
    },
  });
  Object.defineProperty(stream, 'writableLength', { get: () => stuck });
  const socket = { readyState: WebSocket.OPEN, terminate: () => (result.terminated = true), close: () => {} } as unknown as WebSocket;
  const result = { socket, stream: stream as never, pending: [] as Buffer[], pendingBytes: 0, writes, terminated: false };
  return result;
}

function outbox(events: string[], max = 1024) {
  return new Outbox({
    maxBufferedBytes: max,
    beforeFlush: () => events.push('prepare'),
    commit: () => events.push('commit'),
    onSlowReader: () => events.push('slow'),
    onFlushFailed: () => events.push('failed'),
  });
}

describe('Outbox', () => {
  it('writes all frames due to a socket in one write, after the commit, in order', async () => {
    const events: string[] = [];
    const box = outbox(events);
    const a = recipient(events);
    const b = recipient(events);
    for (const text of ['one', 'two', 'three']) box.queue(a, textFrame(text));
    box.queue(b, textFrame('only'));
    expect(a.writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['prepare', 'commit', 'write', 'write']);
    expect(a.writes).toHaveLength(1);
    expect(decodeFrames(a.writes[0]!)).toEqual(['one', 'two', 'three']);
    expect(decodeFrames(b.writes[0]!)).toEqual(['only']);
  });

  it('copies a queue shared by many sockets once, and gives a socket whose queue differs its own', async () => {
    const events: string[] = [];
    const box = outbox(events, 64 * 1024);
    const members = [recipient(events), recipient(events), recipient(events)];
    const sender = recipient(events);
    const [one, two] = [textFrame('one'), textFrame('two')];
    for (const member of members) [one, two].forEach((frame) => box.queue(member, frame));
    box.queue(sender, one);
    box.queue(sender, textFrame('two, with its ref'));
    await new Promise((resolve) => setImmediate(resolve));
    for (const member of members) expect(decodeFrames(member.writes[0]!)).toEqual(['one', 'two']);
    expect(decodeFrames(sender.writes[0]!)).toEqual(['one', 'two, with its ref']);
    // One copy for the three members: the very same buffer.
    expect(new Set(members.map((member) => member.writes[0]))).toHaveProperty('size', 1);
    expect(sender.writes[0]).not.toBe(members[0]!.writes[0]);
  });

  it('writes a large queue at once, committed first, so a busy reader is not taken for a slow one', () => {
    const events: string[] = [];
    const box = outbox(events, 256 * 1024);
    const busy = recipient(events);
    const frame = textFrame('x'.repeat(4000));
    for (let i = 0; i < 100; i++) box.queue(busy, frame);
    expect(busy.terminated).toBe(false);
    expect(busy.pendingBytes).toBeLessThan(64 * 1024);
    expect(events.slice(0, 2)).toEqual(['commit', 'write']);
    box.flush();
    expect(busy.writes.flatMap((write) => decodeFrames(write))).toHaveLength(100);
  });

  it('writes a large frame given in parts whole, never its head now and its tail later', () => {
    const events: string[] = [];
    const box = outbox(events, 1024 * 1024);
    const reader = recipient(events);
    const frame = textFrame(JSON.stringify({ type: 'list', data: 'x'.repeat(100_000) }));
    box.queueParts(reader, [frame.subarray(0, 10), frame.subarray(10, frame.length - 2), frame.subarray(frame.length - 2)]);
    // Over the early-write size: out at once, and complete.
    expect(decodeFrames(Buffer.concat(reader.writes))).toHaveLength(1);
    expect(reader.pending).toEqual([]);
  });

  it('drops a socket over its buffer cap instead of queueing more', () => {
    const events: string[] = [];
    const box = outbox(events, 1024);
    const slow = recipient(events, 2048);
    box.queue(slow, textFrame('x'));
    expect(slow.terminated).toBe(true);
    expect(slow.pending).toEqual([]);
    expect(events).toEqual(['slow']);
  });

  it('writes nothing when the commit fails', () => {
    const events: string[] = [];
    const box = new Outbox({
      maxBufferedBytes: 1024,
      beforeFlush: () => {},
      commit: () => {
        throw new Error('disk full');
      },
      onSlowReader: () => {},
      onFlushFailed: () => events.push('failed'),
    });
    const a = recipient(events);
    box.queue(a, textFrame('not stored'));
    box.flush();
    expect(a.writes).toEqual([]);
    expect(events).toEqual(['failed']);
  });
});
