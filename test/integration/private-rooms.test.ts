// Private rooms (extension, docs/protocol.md "Private rooms"): what a non-member is refused on every
// path, each refusal the same as for a room that does not exist (WebSocket commands, resume, the
// lists, the directory, the page, search, ending a room, a taken name), and that nothing of the room
// reaches their sockets on any process; its members see it all. Inviting, leaving and removing:
// private-members.test.ts.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { expectNone, join, refusal, roomName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { makePrivate } from '../helpers/privateRooms.js';
import type { SignedIn } from '../helpers/server.js';

const chat = useServer();

async function get(who: SignedIn, path: string): Promise<Response> {
  return fetch(`${chat.server.url}${path}`, { headers: { cookie: who.cookie, accept: 'application/json', 'accept-language': 'en' } });
}

/** Alice makes a private room and talks in it; Olga, connected, is not a member. */
async function privateRoom() {
  const [alice, olga] = await chat.users('Alice', 'Olga');
  const room = roomName('secret');
  const a2 = await chat.connect(alice, { rooms: 'changes' });
  const o = await chat.connect(olga);
  const oPage = await chat.connect(olga, { rooms: 'changes' });
  const response = await makePrivate(chat.server.url, alice, room);
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ name: room });
  const a = await chat.connect(alice);
  await join(a, room);
  const said = await say(a, unique('between us'), room);
  return { alice, olga, room, a, a2, o, oPage, said };
}

describe('a private room', () => {
  it('is made by POST /rooms with private, its maker its first member, told to the maker only', async () => {
    const { alice, room, a2, o, oPage } = await privateRoom();
    expect(await a2.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'created', room, private: true });
    // Nobody else hears of it: not the page's change, not the contract's list.
    await expectNone(oPage, (m) => m.type === 'room' || m.type === 'rooms');
    await expectNone(o, (m) => m.type === 'room' || m.type === 'rooms');
    // Its maker lists it everywhere.
    expect(((await (await get(alice, '/rooms')).json()) as { name: string }[]).map((r) => r.name)).toContain(room);
    expect(await (await get(alice, `/rooms?q=${room}`)).json()).toEqual({ rooms: [{ name: room, count: 1, createdBy: alice.user.id, private: true }], next: null });
    expect(await (await get(alice, '/')).text()).toContain(`data-room="${room}"`);
  });

  it('refuses a private field that is neither true nor false', async () => {
    const alice = await chat.signIn('Alice');
    const response = await makePrivate(chat.server.url, alice, roomName('odd'), 'perhaps');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 1, error: translate('en', 'rooms.badPrivate') });
  });

  it('is no room at all to a non-member on the socket: every message about it is refused as for none', async () => {
    const { room, o, a, said } = await privateRoom();
    const none = { code: 'no_such_room', message: translate('en', 'wsError.no_such_room.named', { room }) };
    const upper = room.toUpperCase();
    const asked = [
      { type: 'join', room },
      { type: 'join', room: upper },
      { type: 'join', room, since: 0 },
      { type: 'history', room },
      { type: 'chat', room, data: 'let me in' },
      { type: 'typing', room },
      { type: 'read', room, id: said.id },
      { type: 'people', room, q: 'a' },
      { type: 'leave', room },
      { type: 'invite', room, user: 'anyone' },
      { type: 'remove', room, user: 'anyone' },
    ];
    for (const message of asked) {
      const expected = message.room === upper ? { code: 'no_such_room', message: translate('en', 'wsError.no_such_room.named', { room: upper }) } : none;
      expect(await refusal(o, message), JSON.stringify(message)).toEqual(expected);
    }
    // Nothing said there, typed there or who is there reaches them.
    const later = await say(a, unique('still between us'), room);
    a.send({ type: 'typing', room });
    await a.settle();
    await expectNone(o, (m) => ('room' in m && m.room === room) || (m.type === 'chat' && m.data === later.data));
  });

  it('is no room at all to a non-member over HTTP: lists, directory, page, search, ending, its name', async () => {
    const { alice, olga, room, said } = await privateRoom();
    expect(((await (await get(olga, '/rooms')).json()) as { name: string }[]).map((r) => r.name)).not.toContain(room);
    expect(await (await get(olga, `/rooms?q=${room}`)).json()).toEqual({ rooms: [], next: null });
    expect(((await (await get(olga, '/rooms?q=')).json()) as { rooms: { name: string }[] }).rooms.map((r) => r.name)).not.toContain(room);
    expect(await (await get(olga, '/')).text()).not.toContain(room);

    expect(await (await get(olga, `/search?q=${encodeURIComponent(said.data)}`)).json()).toEqual([]);
    const searched = await get(olga, `/search?q=${encodeURIComponent(said.data)}&room=${room}`);
    expect(searched.status).toBe(404);
    expect(await searched.json()).toEqual({ code: 1, error: translate('en', 'search.noRoom', { room }) });
    // Its members find it.
    expect(((await (await get(alice, `/search?q=${encodeURIComponent(said.data)}`)).json()) as { id: number }[]).map((hit) => hit.id)).toEqual([said.id]);

    for (const [method, path] of [['POST', `/rooms/${room}/archive`], ['DELETE', `/rooms/${room}`]] as const) {
      const ended = await fetch(`${chat.server.url}${path}`, { method, headers: { cookie: olga.cookie, accept: 'application/json', 'accept-language': 'en' } });
      expect(ended.status).toBe(404);
      expect(await ended.json()).toEqual({ code: 1, error: translate('en', 'rooms.notFound', { name: room }) });
    }
    // Its name is taken, but the answer spells it as asked, not as the room is spelled.
    const taken = await makePrivate(chat.server.url, olga, room.toUpperCase(), false);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({ code: 1, error: translate('en', 'rooms.exists', { name: room.toUpperCase() }) });
  });

  it('ending it is told to its members only', async () => {
    const { alice, room, a, a2, oPage } = await privateRoom();
    await a2.next((m) => m.type === 'room');
    const deleted = await fetch(`${chat.server.url}/rooms/${room}`, { method: 'DELETE', headers: { cookie: alice.cookie } });
    expect(deleted.status).toBe(204);
    expect(await a2.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'deleted', room, private: true });
    await a.next((m) => m.type === 'left' && m.room === room);
    await expectNone(oPage, (m) => m.type === 'room' || m.type === 'rooms');
  });

  it('stays out of a resume of a non-member, and its history is its members\'', async () => {
    const { olga, room, a, said } = await privateRoom();
    const before = said.id - 1;
    const resumed = await chat.connect(olga, { since: before });
    await resumed.settle();
    expect(resumed.pending((m) => m.type === 'chat' && m.room === room)).toEqual([]);
    a.drain();
    a.send({ type: 'history', room });
    const page = await a.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history' && 'room' in m && m.room === room);
    expect(page.data.map((m) => m.id)).toContain(said.id);
  });
});
