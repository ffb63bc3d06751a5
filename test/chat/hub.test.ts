// The chat core on its own, with the seams a second process brings: a bus that delivers later
// (after a JSON round trip), publishing only after the store commits, and connection ids that stay
// unique however many hubs there are. The hub talks to Peers: here ones that keep what they are
// sent; the store is a real SQLite file in a temporary folder, as the server uses it.
import { describe, expect, it, vi } from 'vitest';
import type { Bus, BusEvent } from '../../src/bus/bus.js';
import { DeferredBus } from '../../src/bus/deferred.js';
import { InProcessBus } from '../../src/bus/inProcess.js';
import type { Flusher, Peer } from '../../src/chat/connection.js';
import { Hub } from '../../src/chat/hub.js';
import type { ServerMessage, User } from '../../src/shared/protocol/index.js';
import type { SqliteStore } from '../../src/store/sqlite/index.js';
import { decodeFrames } from '../helpers/frames.js';
import { tempDataDir } from '../helpers/server.js';
import { asyncStoreFixture } from '../helpers/store.js';

const open = asyncStoreFixture();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A socket that keeps every message it is sent, decoded. */
class KeptPeer implements Peer {
  readonly messages: ServerMessage[] = [];
  isOpen = true;
  readonly bufferedBytes = 0;
  send(frame: Buffer): void {
    for (const text of decodeFrames(frame)) this.messages.push(JSON.parse(text) as ServerMessage);
  }
  sendParts(parts: readonly Buffer[]): void {
    this.send(Buffer.concat(parts));
  }
  close(): void {
    this.isOpen = false;
  }
  chats(): string[] {
    return this.messages.flatMap((m) => (m.type === 'chat' ? [m.data] : m.type === 'history' ? m.data.map((h) => h.data) : []));
  }
}

/** A hub as the server makes one; the outbox's end of turn is left out (these peers write at once) unless given. */
function hubOn(store: SqliteStore, bus: Bus, flusher: Flusher = { schedule: () => {}, flush: () => {} }): Hub {
  const hub: Hub = new Hub({
    store,
    bus,
    log: () => {},
    flusher,
    historyLimit: 50,
    maxMessageLength: 2000,
    maxRoomsPerUser: 0,
    sessionMaxAgeMs: 30 * 24 * 3600_000,
    editWindowMs: 0,
    rateLimit: 0,
    frameRateLimit: 0,
    rateWindowMs: 10_000,
    presenceTimeoutMs: 15_000,
  });
  return hub;
}

async function person(store: SqliteStore, name: string): Promise<User> {
  const user = { id: `${name}-id`, name, image: 0 };
  await store.addUser(user, Date.now());
  return user;
}

describe('the hub', () => {
  it('publishes nothing of a turn whose commit fails, and drops the connection that wrote it', async () => {
    const store = open(tempDataDir());
    const bus = new InProcessBus();
    const seen: BusEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    const hub = hubOn(store, bus);
    const alicePeer = new KeptPeer();
    const alice = hub.connect(alicePeer, await person(store, 'Alice'));
    // This turn's batch holds a message from nobody, with foreign keys checked at COMMIT (set
    // inside the batch: a statement outside one switches it off): the commit will fail.
    store.engine.beginBatch();
    (Reflect.get(store.engine, 'db') as { pragma(text: string): unknown }).pragma('defer_foreign_keys = ON');
    store.engine.addChat({ room: 'lobby', user: { id: 'nobody', name: 'Nobody', image: 0 }, data: 'breaks the batch', ts: Date.now() });
    seen.length = 0;
    hub.receive(alice, JSON.stringify({ type: 'chat', data: 'never kept' }));
    await alice.handling;
    await nextTurn(); // the commit, and what follows it
    expect(seen.filter((event) => event.kind === 'room')).toEqual([]);
    expect(alicePeer.isOpen).toBe(false);
  });

  it('on a bus that delivers later, does not send a joiner a message twice that its history page already had', async () => {
    const store = open(tempDataDir());
    const hub = hubOn(store, new DeferredBus());
    const alicePeer = new KeptPeer();
    const bobPeer = new KeptPeer();
    const alice = hub.connect(alicePeer, await person(store, 'Alice'));
    const bob = await person(store, 'Bob');
    hub.receive(alice, JSON.stringify({ type: 'chat', data: 'said before' }));
    await alice.handling;
    await nextTurn(); // committed and published
    await nextTurn(); // delivered: the lobby's kept page is stale now, and dropped
    hub.receive(alice, JSON.stringify({ type: 'chat', data: 'said just now' }));
    await alice.handling;
    store.commitPending(); // committed and published; the bus delivers it on the next turn
    await Promise.resolve();
    hub.connect(bobPeer, bob); // the lobby's history, read afresh, already has it
    await nextTurn();
    await nextTurn();
    expect(alicePeer.chats()).toEqual(['said before', 'said just now']);
    expect(bobPeer.chats()).toEqual(['said before', 'said just now']);
  });

  it('has the outbox flush behind the commit, so a chat goes out on the very turn it is committed', async () => {
    const store = open(tempDataDir());
    const bobPeer = new KeptPeer();
    // As the outbox does: one flush at a time, on setImmediate. What each flush found delivered by then:
    const flushes: boolean[] = [];
    let scheduled = false;
    const flusher: Flusher = {
      schedule: () => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flushes.push(bobPeer.chats().includes('on this turn'));
        });
      },
      flush: () => {},
    };
    const hub = hubOn(store, new InProcessBus(), flusher);
    const alice = hub.connect(new KeptPeer(), await person(store, 'Alice'));
    hub.connect(bobPeer, await person(store, 'Bob'));
    for (let i = 0; i < 3; i++) await nextTurn();
    flushes.length = 0;
    hub.receive(alice, JSON.stringify({ type: 'chat', data: 'on this turn' }));
    await alice.handling;
    await nextTurn();
    await nextTurn();
    expect(bobPeer.chats()).toContain('on this turn');
    // The first flush after the send has it: a flush queued only once it was announced would be a turn later.
    expect(flushes[0]).toBe(true);
  });

  it('gives connections ids that no other hub gives, even one loaded as a module of its own (another process)', async () => {
    const store = open(tempDataDir());
    // Every module loaded afresh, as a second process would have them (counters and all).
    vi.resetModules();
    const other = await import('../../src/chat/hub.js');
    const one = hubOn(store, new InProcessBus());
    const two = new other.Hub({ ...Reflect.get(one, 'options'), bus: new InProcessBus() });
    const user = await person(store, 'Carol');
    const ids = [one.connect(new KeptPeer(), user).id, two.connect(new KeptPeer(), user).id];
    expect(new Set(ids).size).toBe(2);
  });
});
