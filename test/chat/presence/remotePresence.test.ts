// Who is where on the other processes (src/chat/presence/remotePresence.ts): a user is told to
// arrive when the first process has them in a room and to leave when the last one lets them go,
// whether that comes from presence events, a snapshot that replaces a process's whole state, or a
// process dropped at once.
import { describe, expect, it } from 'vitest';
import { RemotePresence } from '../../../src/chat/presence/remotePresence.js';
import type { User } from '../../../src/shared/protocol/index.js';

const alice: User = { id: 'a', name: 'Alice', image: 0 };
const bob: User = { id: 'b', name: 'Bob', image: 1 };

describe('presence on the other processes', () => {
  it('has a user arrive with their first process and leave with their last', () => {
    const remote = new RemotePresence();
    expect(remote.apply('p1', 'lobby', 'join', alice)).toEqual([{ room: 'lobby', change: 'join', user: alice }]);
    expect(remote.apply('p2', 'lobby', 'join', alice)).toEqual([]);
    expect(remote.apply('p1', 'lobby', 'join', alice)).toEqual([]);
    expect(remote.usersIn('lobby')).toEqual([alice]);
    expect(remote.apply('p1', 'lobby', 'left', alice)).toEqual([]);
    expect(remote.apply('p1', 'lobby', 'left', alice)).toEqual([]);
    expect(remote.apply('p2', 'lobby', 'left', alice)).toEqual([{ room: 'lobby', change: 'left', user: alice }]);
    expect(remote.usersIn('lobby')).toEqual([]);
  });

  it('replaces what a process had with its snapshot, telling only the differences that matter', () => {
    const remote = new RemotePresence();
    remote.apply('p1', 'lobby', 'join', alice);
    remote.apply('p1', 'dev', 'join', alice);
    remote.apply('p2', 'dev', 'join', alice);
    const changes = remote.replace('p1', { lobby: [alice, bob], ops: [bob] });
    expect(changes).toEqual([
      { room: 'lobby', change: 'join', user: bob },
      { room: 'ops', change: 'join', user: bob },
    ]);
    // Alice left dev on p1, but p2 still has her there.
    expect(remote.usersIn('dev')).toEqual([alice]);
    expect(remote.replace('p1', { lobby: [alice, bob], ops: [bob] })).toEqual([]);
  });

  it('drops a process whole: its users leave where no other process has them', () => {
    const remote = new RemotePresence();
    remote.replace('p1', { lobby: [alice, bob], dev: [bob] });
    remote.replace('p2', { lobby: [bob] });
    expect(remote.drop('p1')).toEqual([
      { room: 'lobby', change: 'left', user: alice },
      { room: 'dev', change: 'left', user: bob },
    ]);
    expect(remote.usersIn('lobby')).toEqual([bob]);
    expect(remote.drop('p1')).toEqual([]);
  });
});
