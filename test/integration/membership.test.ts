// Persistent room membership (docs/protocol.md, "Persistent membership"): an explicit `join` makes a
// room the user's on every page load, tab and device, and after a restart, until they `leave` it; the
// chat page carries the user's rooms and DM conversations. Real server, real `ws` clients and fetch.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { dm, join, leave, say } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const chat = useServer({ RATE_LIMIT: '0' });

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** What the chat page (GET /) gives the browser about the user's own rooms and conversations. */
async function page(who: SignedIn): Promise<{ myRooms: string[]; conversations: string[] }> {
  const response = await fetch(`${chat.server.url}/`, { headers: { cookie: who.cookie }, redirect: 'manual' });
  expect(response.status).toBe(200);
  const html = await response.text();
  const rooms = /data-my-rooms="([^"]*)"/.exec(html);
  expect(rooms, 'data-my-rooms on the chat page').not.toBeNull();
  const conversations = [...html.matchAll(/class="dm-link"[^>]*data-user-id="([^"]*)"/g)].map((match) => match[1]!);
  return { myRooms: JSON.parse(unescapeHtml(rooms![1]!)) as string[], conversations };
}

// --- tests ----------------------------------------------------------------------------------------

describe('persistent membership', () => {
  it('a joined room is the user\'s on every page load and device until they leave it; lobby is always theirs', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const later = await chat.createRoom(bob);
    const first = await chat.createRoom(bob);
    const never = await chat.createRoom(bob);
    expect((await page(alice)).myRooms).toEqual(['lobby']);

    const a1 = await chat.connect(alice);
    await join(a1, first);
    await join(a1, later.toUpperCase()); // any case: the room's own spelling is kept
    await join(a1, first); // joining again changes nothing
    // lobby first, then the rooms in the order they were created
    expect((await page(alice)).myRooms).toEqual(['lobby', later, first]);
    expect((await page(alice)).myRooms).not.toContain(never);

    // another device: same rooms, before it joins anything
    await a1.close();
    const a2 = await chat.connect(alice);
    expect((await page(alice)).myRooms).toEqual(['lobby', later, first]);

    // leaving is for good; leaving the lobby is only this connection's
    await join(a2, first);
    await leave(a2, first);
    await leave(a2, 'lobby');
    expect((await page(alice)).myRooms).toEqual(['lobby', later]);
    // Bob created the rooms but never joined one
    expect((await page(bob)).myRooms).toEqual(['lobby']);
  });

  it('leaving in one tab ends the membership; a second tab stays in the room until it leaves or reconnects', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);
    for (const client of [a1, a2, b]) await join(client, room);

    await leave(a1, room);
    expect((await page(alice)).myRooms).toEqual(['lobby']);
    // the other tab is still in the room: it hears it and may write to it
    const text = `still here ${Math.random()}`;
    await say(b, text, room);
    await a2.next((m) => m.type === 'chat' && m.data === text);
    await say(a2, `me too ${Math.random()}`, room);
    // but the room is no longer Alice's: nothing to mark read there
    a2.send({ type: 'read', room, id: 1, ref: 'r' });
    expect((await a2.next<ErrorMessage>((m) => m.type === 'error')).data.code).toBe('not_in_room');

    // after a reconnect the tab is in the lobby only, as for any room that is not hers
    await a2.close();
    const a3 = await chat.connect(alice);
    a3.send({ type: 'chat', room, data: 'let me in', ref: 'c' });
    expect((await a3.next<ErrorMessage>((m) => m.type === 'error')).data.code).toBe('not_in_room');
  });

  it('memberships survive a restart', async () => {
    const alice = await chat.signIn('Alice');
    const room = await chat.createRoom(alice);
    const a = await chat.connect(alice);
    await join(a, room);
    await a.close();

    await chat.restart();
    expect((await page(alice)).myRooms).toEqual(['lobby', room]);
  });
});

describe('conversations on the chat page', () => {
  it('lists the people the user has DMs with, most recent first, each once, and nobody else\'s', async () => {
    const [alice, bob, carol, dave] = await chat.users('Alice', 'Bob', 'Carol', 'Dave');
    expect((await page(alice)).conversations).toEqual([]);

    const [a, b, c] = await chat.connectEach(alice, bob, carol);
    await dm(a, bob.user, 'hi bob');
    await dm(c, alice.user, 'hi alice');
    await dm(b, dave.user, 'not alice\'s business');
    expect((await page(alice)).conversations).toEqual([carol.user.id, bob.user.id]);

    await dm(b, alice.user, 'bob again');
    expect((await page(alice)).conversations).toEqual([bob.user.id, carol.user.id]);
    expect((await page(dave)).conversations).toEqual([bob.user.id]);
    expect((await page(bob)).conversations).toEqual([alice.user.id, dave.user.id]);
  });
});
