// The head-counts of public rooms (src/chat/presence/roomCounts.ts): changes within an interval go
// out as one frame with each room's latest count, rooms whose count came back to what was last sent
// and private rooms are left out, and an emptied room says 0 once.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { RoomCounts } from '../../../src/chat/presence/roomCounts.js';
import type { RoomCount, ServerMessage } from '../../../src/shared/protocol/index.js';
import { decodeFrames } from '../../helpers/frames.js';

const people = new Map<string, number>();
let sent: RoomCount[][] = [];
let counts: RoomCounts;

beforeEach(() => {
  vi.useFakeTimers();
  people.clear();
  sent = [];
  counts = new RoomCounts({
    count: (room) => people.get(room) ?? 0,
    send: (frame) => {
      for (const message of decodeFrames(frame).map((text) => JSON.parse(text) as ServerMessage)) if (message.type === 'counts') sent.push(message.data);
    },
    intervalMs: 1000,
  });
  counts.setPublic(['lobby', 'dev', 'ops']);
});

afterEach(() => {
  counts.stop();
  vi.useRealTimers();
});

function arrive(room: string, by = 1): void {
  people.set(room, (people.get(room) ?? 0) + by);
  counts.touch(room);
}

it('sends the first change after a quiet interval at once, and coalesces the burst that follows into one frame', () => {
  arrive('dev');
  vi.advanceTimersByTime(0);
  expect(sent).toEqual([[{ room: 'dev', count: 1 }]]);
  for (let i = 0; i < 50; i++) arrive(i % 2 ? 'dev' : 'ops');
  vi.advanceTimersByTime(999);
  expect(sent).toHaveLength(1);
  vi.advanceTimersByTime(1);
  expect(sent).toEqual([[{ room: 'dev', count: 1 }], [{ room: 'ops', count: 25 }, { room: 'dev', count: 26 }]]);
  // Nothing changed since: nothing more.
  vi.advanceTimersByTime(5000);
  expect(sent).toHaveLength(2);
});

it('leaves out a room back at the count last sent, and a private or unknown room', () => {
  arrive('dev');
  vi.advanceTimersByTime(0);
  arrive('dev');
  arrive('dev', -1);
  arrive('secret');
  arrive('lobby');
  vi.advanceTimersByTime(1000);
  expect(sent).toEqual([[{ room: 'dev', count: 1 }], [{ room: 'lobby', count: 1 }]]);
});

it('says 0 once for a room that emptied, and forgets a room that ended', () => {
  arrive('dev', 2);
  vi.advanceTimersByTime(0);
  arrive('dev', -2);
  vi.advanceTimersByTime(1000);
  expect(sent).toEqual([[{ room: 'dev', count: 2 }], [{ room: 'dev', count: 0 }]]);
  arrive('ops');
  counts.setPublic(['lobby', 'dev']);
  vi.advanceTimersByTime(1000);
  expect(sent).toHaveLength(2);
});
