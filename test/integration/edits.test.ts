// Editing and deleting messages (docs/protocol.md, "Editing, reactions and replies"), on every
// engine and process layout: an edit reaches everyone who can see the message (the author's other
// tab too) with `editedAt`, `mentions` and `change`, and history and search show the new text only;
// a deletion leaves a placeholder in history; every refusal leaves the message as it was (checked
// by a later history page); the unread count on connect leaves deleted messages out.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, StoredMessage } from '../../src/shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { dm, expectNone, join, personName, refusal, roomName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';
import { connectWithUnread } from '../helpers/unread.js';
import { makePrivate } from '../helpers/privateRooms.js';

// Room for the 21 reactions of one test within the message rate limit.
const chat = useServer({ EDIT_WINDOW_MINUTES: '0.005', RATE_LIMIT: '100' });

async function searchFor(who: SignedIn, text: string): Promise<number[]> {
  const response = await fetch(`${chat.server.url}/search?q=${encodeURIComponent(text)}`, { headers: { cookie: who.cookie } });
  return ((await response.json()) as { id: number }[]).map((hit) => hit.id);
}

/** The message as a history page read now shows it. */
async function fromHistory(client: TestClient, about: { room: string } | { with: string }, id: number): Promise<StoredMessage | undefined> {
  client.send({ type: 'history', ...about, before: id + 1, limit: 1 });
  const page = await client.next((x) => x.type === 'history' && x.before === id + 1);
  expect(page.type === 'history' && typeof page.change).toBe('number');
  return page.type === 'history' ? (page.data as StoredMessage[]).find((m) => m.id === id) : undefined;
}

const makeRoom = (who: SignedIn, name: string, isPrivate: boolean) => makePrivate(chat.server.url, who, name, isPrivate);

const about = (id: number) => (x: ServerMessage) => (x.type === 'edited' || x.type === 'deleted' || x.type === 'reactions') && x.id === id;

describe('edit', () => {
  it('reaches the room and the author’s other tab with editedAt and change; history and search have the new text only', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, a2, b] = await chat.connectEach(alice, alice, bob);
    const before = unique('typo herre');
    const sent = await say(a, before);
    const after = unique('typo fixed') + ` @${bob.user.name}`;
    a.send({ type: 'edit', id: sent.id, data: after, ref: 'e1' });
    const mine = await a.next(about(sent.id));
    expect(mine).toMatchObject({ type: 'edited', id: sent.id, room: 'lobby', data: after, mentions: [bob.user.id], ref: 'e1' });
    const edited = mine as Extract<ServerMessage, { type: 'edited' }>;
    expect(edited.editedAt).toBeGreaterThanOrEqual(sent.ts);
    expect(edited.change).toBeGreaterThan(0);
    const { ref: _ref, ...others } = edited;
    expect(await a2.next(about(sent.id))).toEqual(others);
    expect(await b.next(about(sent.id))).toEqual(others);
    expect(await fromHistory(b, { room: 'lobby' }, sent.id)).toMatchObject({ data: after, editedAt: edited.editedAt, mentions: [bob.user.id], change: edited.change });
    expect(await searchFor(alice, before)).toEqual([]);
    expect(await searchFor(alice, after.slice(0, 20))).toEqual([sent.id]);
    // The same text again: nothing at all.
    a.send({ type: 'edit', id: sent.id, data: after });
    await expectNone(b, about(sent.id));
  });

  it('works in a DM, each person hearing it with the other as `with`', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const sent = await dm(a, bob.user, unique('dm typo'));
    const data = unique('dm fixed');
    a.send({ type: 'edit', id: sent.id, data });
    expect(await a.next(about(sent.id))).toMatchObject({ type: 'edited', with: bob.user.id, data });
    expect(await b.next(about(sent.id))).toMatchObject({ type: 'edited', with: alice.user.id, data });
    expect(await fromHistory(b, { with: alice.user.id }, sent.id)).toMatchObject({ data });
  });

  it('is refused with nothing changed: not_yours, no_such_message (wrong id, a room one is not in, a private room, someone else’s DM, deleted), empty, too long, too_late', async () => {
    const [alice, bob, carol] = await chat.users(personName('Alice'), personName('Bob'), personName('Carol'));
    const [a, b, c] = await chat.connectEach(alice, bob, carol);
    const text = unique('keep me');
    const sent = await say(a, text);
    expect((await refusal(b, { type: 'edit', id: sent.id, data: 'hijack' })).code).toBe('not_yours');
    expect((await refusal(a, { type: 'edit', id: sent.id + 1_000_000, data: 'x' })).code).toBe('no_such_message');
    expect((await refusal(a, { type: 'edit', id: sent.id, data: '   ' })).code).toBe('empty');
    expect((await refusal(a, { type: 'edit', id: sent.id, data: 'x'.repeat(2001) })).code).toBe('too_long');
    // A room Carol is not in, a private room, and a DM between two others.
    const room = roomName('edits');
    expect((await makeRoom(alice, room, false)).status).toBe(201);
    await join(a, room);
    const inRoom = await say(a, unique('room text'), room);
    expect((await refusal(c, { type: 'edit', id: inRoom.id, data: 'x' })).code).toBe('no_such_message');
    expect((await refusal(c, { type: 'react', id: inRoom.id, emoji: '👍' })).code).toBe('no_such_message');
    const hidden = roomName('hidden');
    expect((await makeRoom(alice, hidden, true)).status).toBe(201);
    await join(a, hidden);
    const secret = await say(a, unique('secret'), hidden);
    expect((await refusal(c, { type: 'edit', id: secret.id, data: 'x' })).code).toBe('no_such_message');
    const between = await dm(a, bob.user, unique('between us'));
    expect((await refusal(c, { type: 'edit', id: between.id, data: 'x' })).code).toBe('no_such_message');
    expect((await refusal(c, { type: 'react', id: between.id, emoji: '👍' })).code).toBe('no_such_message');
    expect(await fromHistory(b, { room: 'lobby' }, sent.id)).toEqual(sent);
    // Past the window (0.005 min = 300 ms here).
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await refusal(a, { type: 'edit', id: sent.id, data: 'late' })).code).toBe('too_late');
    expect(await fromHistory(b, { room: 'lobby' }, sent.id)).toEqual(sent);
    // Deleted: a placeholder, which nobody may edit or react to.
    a.send({ type: 'delete', id: sent.id });
    await b.next(about(sent.id));
    expect((await refusal(a, { type: 'edit', id: sent.id, data: 'back' })).code).toBe('no_such_message');
    expect((await refusal(b, { type: 'react', id: sent.id, emoji: '👍' })).code).toBe('no_such_message');
    expect(await fromHistory(b, { room: 'lobby' }, sent.id)).toMatchObject({ id: sent.id, data: '', deleted: true });
  });
});

describe('edit and unread', () => {
  it('counts a mention an edit added from then on, and not one an edit took away', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const room = roomName('mentions');
    expect((await makeRoom(bob, room, false)).status).toBe(201);
    await join(b, room);
    await join(a, room);
    await a.close();
    const plainOne = await say(b, unique('plain'), room);
    const named = await say(b, unique('hey') + ` @${alice.user.name}`, room);
    expect(named.mentions).toEqual([alice.user.id]);
    b.send({ type: 'edit', id: plainOne.id, data: `now naming @${alice.user.name}` });
    await b.next(about(plainOne.id));
    b.send({ type: 'edit', id: named.id, data: 'no longer naming anyone' });
    await b.next(about(named.id));
    const another = await say(b, unique('another plain'), room);
    b.send({ type: 'edit', id: another.id, data: `@${alice.user.name} named here too` });
    await b.next(about(another.id));
    // As sent: one mention; as edited: two (the first and the third).
    const { unread } = await connectWithUnread(chat, alice);
    expect(unread.find((entry) => 'room' in entry && entry.room === room)).toMatchObject({ count: 3, mentions: 2 });
  });
});

describe('delete', () => {
  it('takes an unread message out of the count on connect', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const a = await chat.connect(alice);
    const b = await chat.connect(bob);
    const first = await dm(a, bob.user, unique('one'));
    await dm(a, bob.user, unique('two'));
    await b.next((x) => x.type === 'dm' && x.id === first.id + 1);
    b.close();
    a.send({ type: 'delete', id: first.id });
    await a.next(about(first.id));
    const { unread } = await connectWithUnread(chat, bob);
    expect(unread.find((entry) => 'with' in entry && entry.with === alice.user.id)?.count).toBe(1);
  });
});

describe('replyTo', () => {
  it('carries the quote live and in history, in rooms and DMs; a reply elsewhere is refused and not stored; a deleted original shows deleted', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const original = await say(a, unique('question'));
    const answer = unique('answer');
    b.send({ type: 'chat', room: 'lobby', data: answer, replyTo: original.id });
    const quote = { id: original.id, user: alice.user, data: original.data };
    const live = await a.next((x) => x.type === 'chat' && x.data === answer);
    expect(live).toMatchObject({ replyTo: quote });
    const asked = await dm(a, bob.user, unique('dm question'));
    b.send({ type: 'dm', to: alice.user.id, data: 'dm answer', replyTo: asked.id });
    expect(await a.next((x) => x.type === 'dm' && x.data === 'dm answer')).toMatchObject({ replyTo: { id: asked.id, user: alice.user, data: asked.data } });
    // A DM is not in the lobby, and the lobby's message is not in the DM.
    expect((await refusal(b, { type: 'chat', room: 'lobby', data: 'x', replyTo: asked.id })).code).toBe('no_such_message');
    expect((await refusal(b, { type: 'dm', to: alice.user.id, data: 'x', replyTo: original.id })).code).toBe('no_such_message');
    a.send({ type: 'delete', id: original.id });
    await b.next(about(original.id));
    expect((await refusal(b, { type: 'chat', room: 'lobby', data: 'x', replyTo: original.id })).code).toBe('no_such_message');
    expect(await fromHistory(a, { room: 'lobby' }, live.type === 'chat' ? live.id : 0)).toMatchObject({ data: answer, replyTo: { id: original.id, user: alice.user, data: '', deleted: true } });
  });
});

describe('react', () => {
  it('toggles on and off with counts and users, to the room', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const sent = await say(a, unique('react to me'));
    b.send({ type: 'react', id: sent.id, emoji: ' 👍 ', ref: 'r1' });
    expect(await b.next(about(sent.id))).toMatchObject({ type: 'reactions', room: 'lobby', data: [{ emoji: '👍', count: 1, users: [bob.user] }], ref: 'r1' });
    a.send({ type: 'react', id: sent.id, emoji: '👍' });
    expect(await b.next(about(sent.id))).toMatchObject({ data: [{ emoji: '👍', count: 2, users: [bob.user, alice.user] }] });
    b.send({ type: 'react', id: sent.id, emoji: '👍' });
    expect(await a.next((x) => about(sent.id)(x) && x.type === 'reactions' && x.data[0]?.users[0]?.id === alice.user.id)).toMatchObject({ data: [{ emoji: '👍', count: 1, users: [alice.user] }] });
    expect(await fromHistory(b, { room: 'lobby' }, sent.id)).toMatchObject({ reactions: [{ emoji: '👍', count: 1, users: [alice.user] }] });
    expect((await refusal(a, { type: 'react', id: sent.id, emoji: '' })).code).toBe('empty');
    expect((await refusal(a, { type: 'react', id: sent.id, emoji: 'x'.repeat(17) })).code).toBe('too_long');
    expect((await refusal(a, { type: 'react', id: sent.id, emoji: 'a\u202Eb' })).code).toBe('bad_message');
    for (let i = 1; i < 20; i++) a.send({ type: 'react', id: sent.id, emoji: `e${i}` });
    expect((await refusal(a, { type: 'react', id: sent.id, emoji: 'one too many' })).code).toBe('too_many_reactions');
    const after = await fromHistory(b, { room: 'lobby' }, sent.id);
    expect(after?.reactions?.length).toBe(20);
    expect(after?.reactions?.some((r) => r.emoji === 'one too many')).toBe(false);
  });
});
