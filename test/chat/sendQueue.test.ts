// A connection's own work that fails (src/chat/sendQueue.ts): a history page the store could not
// read is told as the `unavailable` error and the frames due after it still go, in order; a
// replay cut short by the store closes with 1013 (the client resumes later), since what follows
// it assumes it was whole; anything else is a bug and closes with 1011.
import { describe, expect, it } from 'vitest';
import type { Peer } from '../../src/chat/connection.js';
import { SendQueue } from '../../src/chat/sendQueue.js';
import { jsonFrame } from '../../src/transport/frame.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { StoreUnavailable } from '../../src/store/unavailable.js';
import { decodeFrames } from '../helpers/frames.js';

/** A socket that keeps what it is sent, decoded, and how it was closed. */
class KeptPeer implements Peer {
  readonly messages: ServerMessage[] = [];
  closed: number | undefined;
  readonly bufferedBytes = 0;
  get isOpen(): boolean {
    return this.closed === undefined;
  }
  send(frame: Buffer): void {
    for (const text of decodeFrames(frame)) this.messages.push(JSON.parse(text) as ServerMessage);
  }
  sendParts(parts: readonly Buffer[]): void {
    this.send(Buffer.concat(parts));
  }
  close(code: number): void {
    this.closed = code;
  }
}

const pong = (ref: string) => jsonFrame({ type: 'pong', ref });
const outage = () => Promise.reject(new StoreUnavailable('connect ECONNREFUSED'));

/** Runs `work` on a fresh queue with a frame due behind it; what the peer saw once the queue is idle. */
async function afterWork(work: () => Promise<void>, gapless: boolean): Promise<KeptPeer> {
  const peer = new KeptPeer();
  const queue = new SendQueue(peer, () => {});
  queue.later(work, { gapless });
  queue.send(pong('after'));
  for (let turn = 0; turn < 10 && queue.busy; turn++) await new Promise((resolve) => setImmediate(resolve));
  return peer;
}

describe("a connection's own work that fails", () => {
  it('tells a page the store could not read as `unavailable`, and sends what was due after it', async () => {
    const peer = await afterWork(outage, false);
    expect(peer.closed).toBeUndefined();
    expect(peer.messages).toEqual([
      { type: 'error', data: { code: 'unavailable', message: expect.stringContaining('cannot reach its storage') } },
      { type: 'pong', ref: 'after' },
    ]);
  });

  it('closes with 1013 when a replay is cut short by the store, sending nothing after it', async () => {
    const peer = await afterWork(outage, true);
    expect(peer.closed).toBe(1013);
    expect(peer.messages).toEqual([]);
  });

  it('closes with 1011 on anything else', async () => {
    const peer = await afterWork(() => Promise.reject(new TypeError('a bug')), false);
    expect(peer.closed).toBe(1011);
    expect(peer.messages).toEqual([]);
  });
});

describe('live change frames around a resume with changes=', () => {
  const edited = (id: number, change: number, room = 'lobby') => ({ type: 'edited' as const, id, room, data: `v${change}`, editedAt: 1, change });
  const carried = (id: number, change: number, room = 'lobby') => ({ id, scope: `room:${room}`, change });

  it('drops a copy of what the resume showed, during it and after, and sends every other change once, after it', async () => {
    const peer = new KeptPeer();
    const queue = new SendQueue(peer, () => {});
    let finish!: () => void;
    const resumed = new Promise<void>((resolve) => (finish = resolve));
    // The resume showed every change up to 10 in the lobby, and message 7 as of change 12.
    queue.later(async () => {
      await resumed;
      peer.send(jsonFrame(edited(7, 12)));
      return { scopes: ['room:lobby'], upTo: 100, changes: { upTo: 10, sent: new Map([[7, 12]]) } };
    });
    // Live while it runs: 9 (shown: up to 10), 11 about message 7 (shown by its 12), 11 about another, 13.
    for (const [id, change] of [[3, 9], [7, 11], [8, 11], [7, 13]] as const) queue.send(jsonFrame(edited(id, change)), carried(id, change));
    // Another room's change is not covered by a lobby resume.
    queue.send(jsonFrame(edited(4, 5, 'other')), carried(4, 5, 'other'));
    finish();
    for (let turn = 0; turn < 10 && queue.busy; turn++) await new Promise((resolve) => setImmediate(resolve));
    // After it, a late copy of a shown change is dropped too.
    queue.send(jsonFrame(edited(3, 10)), carried(3, 10));
    queue.send(jsonFrame(edited(9, 14)), carried(9, 14));
    expect(peer.messages.map((m) => m.type === 'edited' && [m.id, m.change])).toEqual([
      [7, 12],
      [8, 11],
      [7, 13],
      [4, 5],
      [9, 14],
    ]);
  });
});
