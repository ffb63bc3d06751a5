// Presence coalescing on one room (src/chat/presence/roomPresence.ts): a burst of arrivals is one
// write per member per flush (for `?presence=batch` members one `presence` frame with the net
// change), a member that arrived mid-batch hears only what its list did not have, and big rooms
// are told by number to members that asked for people=lazy.
import { describe, expect, it } from 'vitest';
import { RoomPresence, type Member } from '../../../src/chat/presence/roomPresence.js';
import { BIG_ROOM, type ServerMessage, type User } from '../../../src/shared/protocol/index.js';
import { decodeFrames } from '../../helpers/frames.js';

function member(id: string, batchPresence = false, lazyPeople = false): Member {
  const user: User = { id, name: `name-${id}`, image: 0 };
  return {
    user,
    userJson: JSON.stringify(user),
    batchPresence,
    lazyPeople,
  };
}

/** Flushes and returns, per member, the messages it was handed. */
function flushed(room: RoomPresence): Map<Member, ServerMessage[]> {
  const out = new Map<Member, ServerMessage[]>();
  room.flush((m, parts) => {
    const decoded = decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage);
    out.set(m, [...(out.get(m) ?? []), ...decoded]);
  });
  return out;
}

function arrive(room: RoomPresence, m: Member): void {
  if (room.add(m)) room.record('join', m.user, m.userJson);
  room.markListed(m);
}

function depart(room: RoomPresence, m: Member): void {
  if (room.remove(m)) room.record('left', m.user, m.userJson);
}

describe('RoomPresence', () => {
  it('hands an earlier member one write with every arrival, in order', () => {
    const room = new RoomPresence('lobby');
    const old = member('old');
    arrive(room, old);
    flushed(room);
    const newcomers = ['a', 'b', 'c', 'd'].map((id) => member(id));
    for (const m of newcomers) arrive(room, m);
    let writes = 0;
    const messages: ServerMessage[] = [];
    room.flush((m, parts) => {
      if (m !== old) return;
      writes++;
      messages.push(...decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage));
    });
    expect(writes).toBe(1);
    expect(messages.map((m) => m.type === 'join' && m.user.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives a member that arrived mid-batch only what its list did not have', () => {
    const room = new RoomPresence('lobby');
    arrive(room, member('old'));
    flushed(room);
    const [a, b, c] = [member('a'), member('b', true), member('c')];
    arrive(room, a);
    arrive(room, b);
    arrive(room, c);
    const out = flushed(room);
    // a listed before b and c arrived: it hears of them, not of itself.
    expect(out.get(a)?.map((m) => m.type === 'join' && m.user.id)).toEqual(['b', 'c']);
    // b (batched) hears of c only; c arrived last and its list had everyone.
    expect(out.get(b)).toEqual([{ type: 'presence', room: 'lobby', joined: [c.user], left: [] }]);
    expect(out.has(c)).toBe(false);
  });

  it('gives each batched member of a burst the arrivals after its own list, and a burst of departures to all', () => {
    const room = new RoomPresence('lobby');
    const watcher = member('w', true);
    arrive(room, watcher);
    flushed(room);
    const burst = ['a', 'b', 'c', 'd'].map((id) => member(`${id}-名`, true));
    for (const m of burst) arrive(room, m);
    const out = flushed(room);
    const joinedIds = (m: Member) => out.get(m)?.map((msg) => msg.type === 'presence' && [msg.joined.map((u) => u.id), msg.left]);
    expect(joinedIds(watcher)).toEqual([[['a-名', 'b-名', 'c-名', 'd-名'], []]]);
    expect(joinedIds(burst[0]!)).toEqual([[['b-名', 'c-名', 'd-名'], []]]);
    expect(joinedIds(burst[2]!)).toEqual([[['d-名'], []]]);
    expect(out.has(burst[3]!)).toBe(false);

    for (const m of burst.slice(0, 3)) depart(room, m);
    const gone = flushed(room);
    for (const m of [watcher, burst[3]!]) {
      expect(gone.get(m)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: burst.slice(0, 3).map((b) => b.user) }]);
    }
  });

  it('sends batched members the net change: someone who came and went is not there at all', () => {
    const room = new RoomPresence('lobby');
    const [watcher, plain, stayer, visitor] = [member('w', true), member('p'), member('s'), member('v')];
    arrive(room, watcher);
    arrive(room, plain);
    arrive(room, stayer);
    flushed(room);
    arrive(room, visitor);
    depart(room, visitor);
    depart(room, stayer);
    const out = flushed(room);
    expect(out.get(watcher)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [stayer.user] }]);
    // A plain client gets every contract frame, in order.
    expect(out.get(plain)?.map((m) => `${m.type}:${'user' in m ? m.user.id : ''}`)).toEqual(['join:v', 'left:v', 'left:s']);
  });

  it('lists each user once however many connections they have, and forgets who left', () => {
    const room = new RoomPresence('lobby');
    const [a1, a2, b] = [member('a'), member('a'), member('b')];
    expect(room.add(a1)).toBe(true);
    expect(room.add(a2)).toBe(false);
    expect(room.add(b)).toBe(true);
    const list = () => JSON.parse(decodeFrames(Buffer.concat(room.listFrame()))[0]!) as { data: User[] };
    expect(list().data.map((u) => u.id)).toEqual(['a', 'b']);
    expect(room.remove(a1)).toBe(false);
    expect(room.remove(a2)).toBe(true);
    expect(list().data.map((u) => u.id)).toEqual(['b']);
  });

  it('keeps a list frame already queued unchanged while the room changes, at any size', () => {
    const room = new RoomPresence('lobby');
    const list = (parts: Buffer[]) => (JSON.parse(decodeFrames(Buffer.concat(parts))[0]!) as { data: User[] }).data.map((u) => u.id);
    const people = Array.from({ length: 2000 }, (_, i) => member(`user-${i}-${'x'.repeat(20)}`));
    for (const m of people.slice(0, 1000)) room.add(m);
    const queued = room.listFrame();
    // Growing the list past its buffer, and a departure that rebuilds it, must not touch queued bytes.
    for (const m of people.slice(1000)) room.add(m);
    room.remove(people[0]!);
    const later = room.listFrame();
    expect(list(queued)).toEqual(people.slice(0, 1000).map((m) => m.user.id));
    // Over 64 KiB of JSON: the 64-bit length form, decoded by ws.
    expect(Buffer.concat(later).length).toBeGreaterThan(65_536);
    expect(list(later)).toEqual(people.slice(1).map((m) => m.user.id));
  });
});

describe('RoomPresence in a big room, for members that asked for people=lazy', () => {
  const decode = (parts: readonly Buffer[]) => decodeFrames(Buffer.concat(parts)).map((text) => JSON.parse(text) as ServerMessage);
  function crowd(room: RoomPresence, n: number, prefix: string): Member[] {
    const people = Array.from({ length: n }, (_, i) => member(`${prefix}${i}`));
    for (const m of people) arrive(room, m);
    return people;
  }

  it('greets a lazy member with the number of people once there are more than BIG_ROOM, others with everyone', () => {
    const room = new RoomPresence('lobby');
    crowd(room, BIG_ROOM - 1, 'u');
    const lazy = member('lazy', true, true);
    room.add(lazy);
    expect(decode(room.greeting(lazy))).toEqual([{ type: 'list', room: 'lobby', data: expect.any(Array) }]);
    expect((decode(room.greeting(lazy))[0] as { data: User[] }).data).toHaveLength(BIG_ROOM);
    room.add(member('one-more'));
    expect(decode(room.greeting(lazy))).toEqual([{ type: 'list', room: 'lobby', data: [], count: BIG_ROOM + 1 }]);
    const batched = member('batched', true);
    room.add(batched);
    expect((decode(room.greeting(batched))[0] as { data: User[] }).data).toHaveLength(BIG_ROOM + 2);
  });

  it('sends a lazy member of a big room the new number, batched and plain members who came', () => {
    const room = new RoomPresence('lobby');
    const [lazy, batched, plain] = [member('lazy', true, true), member('batched', true), member('plain')];
    for (const m of [lazy, batched, plain]) arrive(room, m);
    flushed(room);
    crowd(room, BIG_ROOM, 'u');
    const out = flushed(room);
    expect(out.get(lazy)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [], count: BIG_ROOM + 3 }]);
    expect(out.get(batched)?.[0]).toMatchObject({ type: 'presence', joined: expect.any(Array), left: [] });
    expect((out.get(batched)?.[0] as { joined: User[] }).joined).toHaveLength(BIG_ROOM);
    expect(out.get(plain)).toHaveLength(BIG_ROOM);
  });

  it('gives a lazy member the full list again when the room is no longer big, then changes as usual', () => {
    const room = new RoomPresence('lobby');
    const lazy = member('lazy', true, true);
    const people = crowd(room, BIG_ROOM + 5, 'u');
    arrive(room, lazy);
    expect(decode(room.greeting(lazy))[0]).toMatchObject({ data: [], count: BIG_ROOM + 6 });
    flushed(room);
    for (const m of people.slice(0, 10)) depart(room, m);
    const out = flushed(room);
    const [list] = out.get(lazy) ?? [];
    expect(list?.type).toBe('list');
    expect(list?.type === 'list' && list.count).toBeUndefined();
    expect(list?.type === 'list' && new Set(list.data.map((u) => u.id))).toEqual(new Set([...people.slice(10), lazy].map((m) => m.user.id)));
    depart(room, people[10]!);
    expect(flushed(room).get(lazy)).toEqual([{ type: 'presence', room: 'lobby', joined: [], left: [people[10]!.user] }]);
  });
});
