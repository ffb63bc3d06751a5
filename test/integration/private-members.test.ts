// Who belongs to a private room (extension, docs/protocol.md "Private rooms"): a member invites (by
// id or by name; every connection of the invitee hears it, on every process), a member leaves
// (every tab of theirs is out, and coming back takes a new invitation), its maker removes a member
// (their sockets leave at once, everywhere), and each refusal. What non-members are refused:
// private-rooms.test.ts.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, expectNone, join, leave, personName, refusal, roomName, say, unique, userShape } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { makePrivate } from '../helpers/privateRooms.js';
import { signInWithPassword } from '../helpers/server.js';

const chat = useServer();

/** Alice's private room, Alice in it; Bob and Carol connected twice each (spread over the processes), not members yet. */
async function room() {
  const [alice, bob, carol] = await chat.users('Alice', 'Bob', 'Carol');
  const name = roomName('inner');
  expect((await makePrivate(chat.server.url, alice, name)).status).toBe(201);
  const a = await chat.connect(alice);
  await join(a, name);
  const [b1, b2, c1, c2] = [await chat.connect(bob), await chat.connect(bob, { rooms: 'changes' }), await chat.connect(carol), await chat.connect(carol)];
  return { alice, bob, carol, name, a, b1, b2, c1, c2 };
}

/** `invite` by `who`, and the inviter's own `invited` (its ref). */
async function invite(client: TestClient, room: string, to: { user: string } | { name: string }) {
  const ref = unique('invite');
  client.send({ type: 'invite', room, ...to, ref });
  return client.next<Extract<ServerMessage, { type: 'invited' }>>((m) => m.type === 'invited' && m.ref === ref);
}

describe('inviting', () => {
  it('makes someone a member, by id: every connection of theirs hears it, then they may join', async () => {
    const { alice, bob, name, a, b1, b2, c1 } = await room();
    const told = await invite(a, name, { user: bob.user.id });
    const expected = { type: 'invited', room: name, user: userShape(bob.user), by: userShape(alice.user) };
    expect(told).toEqual({ ...expected, ref: told.ref });
    expect(await b1.next((m) => m.type === 'invited')).toEqual(expected);
    expect(await b2.next((m) => m.type === 'invited')).toEqual(expected);
    await expectNone(c1, (m) => m.type === 'invited');
    // A member now: the room, its history and its people.
    const said = await say(a, unique('welcome'), name);
    b1.send({ type: 'join', room: name });
    const page = await b1.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history' && 'room' in m && m.room === name);
    expect(page.data.map((m) => m.id)).toEqual([said.id]);
    expect(((await (await fetch(`${chat.server.url}/rooms?q=${name}`, { headers: { cookie: bob.cookie } })).json()) as { rooms: unknown[] }).rooms).toHaveLength(1);
    // A member may invite too; inviting a member again tells only the inviter.
    const again = await invite(b1, name, { user: alice.user.id });
    expect(again.user.id).toBe(alice.user.id);
    await a.settle();
    expect(a.pending((m) => m.type === 'invited')).toEqual([]);
  });

  it('finds the invitee by a name they hold, in any spelling', async () => {
    const { carol, name, a, c2 } = await room();
    const told = await invite(a, name, { name: carol.user.name.toUpperCase() });
    expect(told.user.id).toBe(carol.user.id);
    await c2.next((m) => m.type === 'invited' && m.room === name);
    await join(c2, name);
  });

  it('refuses: a room that is not private, someone who is nobody, a frame without exactly one of user and name', async () => {
    const { alice, bob, name, a } = await room();
    const open = await chat.createRoom(alice, roomName('open'));
    expect(await refusal(a, { type: 'invite', room: open, user: bob.user.id })).toEqual({
      code: 'not_private',
      message: translate('en', 'wsError.not_private.named', { room: open }),
    });
    expect((await refusal(a, { type: 'invite', room: name, user: 'no-such-id' })).code).toBe('no_such_user');
    expect(await refusal(a, { type: 'invite', room: name, name: 'nobody-holds-this' })).toEqual({
      code: 'no_such_user',
      message: translate('en', 'wsError.no_such_user.named', { name: 'nobody-holds-this' }),
    });
    expect((await refusal(a, { type: 'invite', room: name })).code).toBe('bad_message');
    expect((await refusal(a, { type: 'invite', room: name, user: bob.user.id, name: 'Bob' })).code).toBe('bad_message');
  });
});

describe('leaving', () => {
  it('takes every tab of the leaver out, and coming back needs a new invitation', async () => {
    const { bob, name, a, b1, b2 } = await room();
    await invite(a, name, { user: bob.user.id });
    await join(b1, name);
    await join(b2, name);
    b1.send({ type: 'leave', room: name });
    await b1.next((m) => m.type === 'left' && m.room === name);
    // The other tab is out too (on whichever process it is), and the room hears Bob go.
    expect(await b2.next((m) => m.type === 'left' && m.room === name)).toMatchObject({ user: { id: bob.user.id } });
    await a.next((m) => m.type === 'left' && m.room === name && m.user.id === bob.user.id);
    const said = await say(a, unique('after Bob'), name);
    for (const client of [b1, b2]) await expectNone(client, chatWith(said.data));
    expect((await refusal(b2, { type: 'join', room: name })).code).toBe('no_such_room');
    await invite(a, name, { user: bob.user.id });
    await join(b2, name);
  });
});

describe('removing a member', () => {
  it('is for its maker: the removed hear it and are out of the room at once, on every process', async () => {
    const { alice, bob, name, a, b1, b2 } = await room();
    await invite(a, name, { user: bob.user.id });
    await join(b1, name);
    await join(b2, name);
    a.send({ type: 'remove', room: name, user: bob.user.id });
    const removed = { type: 'removed', room: name, user: userShape(bob.user), by: userShape(alice.user) };
    expect(await a.next((m) => m.type === 'removed')).toEqual(removed);
    for (const client of [b1, b2]) {
      expect(await client.next((m) => m.type === 'removed')).toEqual(removed);
      expect(await client.next((m) => m.type === 'left' && m.room === name)).toMatchObject({ user: { id: bob.user.id } });
    }
    await a.next((m) => m.type === 'left' && m.room === name && m.user.id === bob.user.id);
    const said = await say(a, unique('after the removal'), name);
    for (const client of [b1, b2]) await expectNone(client, chatWith(said.data));
    expect((await refusal(b1, { type: 'chat', room: name, data: 'still here?' })).code).toBe('no_such_room');
    expect((await refusal(b1, { type: 'join', room: name })).code).toBe('no_such_room');
  });

  it('is for owners and moderators too, in a private room they are a member of', async () => {
    const { bob, name, a, b1 } = await room();
    // The first account of this site (every other person here is a guest) is its owner.
    const owner = await signInWithPassword(chat.server.url, personName('Owner'), 'the owner of this site');
    const o = await chat.connect(owner);
    await invite(a, name, { user: bob.user.id });
    await invite(a, name, { user: owner.user.id });
    await join(o, name);
    await join(b1, name);
    o.send({ type: 'remove', room: name, user: bob.user.id });
    expect(await b1.next((m) => m.type === 'removed')).toMatchObject({ room: name, user: { id: bob.user.id }, by: { id: owner.user.id } });
    expect((await refusal(b1, { type: 'join', room: name })).code).toBe('no_such_room');
  });

  it('refuses anyone but its maker, the maker themselves, a non-member, a room that is not private', async () => {
    const { alice, bob, carol, name, a, b1 } = await room();
    await invite(a, name, { user: bob.user.id });
    await invite(a, name, { user: carol.user.id });
    expect(await refusal(b1, { type: 'remove', room: name, user: carol.user.id })).toEqual({
      code: 'not_allowed',
      message: translate('en', 'wsError.not_allowed.remove', { room: name }),
    });
    expect((await refusal(a, { type: 'remove', room: name, user: alice.user.id })).code).toBe('not_allowed');
    await join(b1, name);
    await leave(b1, name);
    expect(await refusal(a, { type: 'remove', room: name, user: bob.user.id })).toEqual({
      code: 'not_in_room',
      message: translate('en', 'wsError.not_in_room.member', { name: bob.user.name, room: name }),
    });
    const open = await chat.createRoom(alice, roomName('open'));
    expect((await refusal(a, { type: 'remove', room: open, user: carol.user.id })).code).toBe('not_private');
  });
});
