// Owners and moderators (docs/protocol.md, "Moderation"), on every engine and process layout: the
// first account of a fresh site is its owner, owners make and unmake moderators (accounts only), and
// each moderator action with its refusal for everyone else, enforced by the server on each path:
// deleting a message (everyone in the room hears it; history, resume, search and the page lose it),
// removing a person (their sockets close on every process, their cookie and their name stop
// working until restored), blocking an address (sign-in 403, WebSocket 4003, until lifted), and
// locking a room (chat refused with room_locked but for moderators, on every process), each logged.
import { beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { trySignIn } from '../../src/tools/kit/http.js';
import { closeCode, dm, expectNone, join, joinAll, personName, refusal, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { signInWithPassword, type SignedIn } from '../helpers/server.js';

const chat = useServer();
const PASSWORD = 'a password of the moderators';

/** Signs in with a password (an account), as JSON. */
function account(name: string): Promise<SignedIn> {
  return signInWithPassword(chat.server.url, name, PASSWORD);
}

/** A moderation POST as JSON, from `who`, answered in English. */
function act(path: string, body: object, who?: SignedIn): Promise<Response> {
  return fetch(`${chat.server.url}/moderation/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', ...(who ? { cookie: who.cookie } : {}) },
    body: JSON.stringify(body),
  });
}

async function expectRefused(response: Response, status: number, error?: string): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { code: number; error: string };
  expect(body.code).toBe(1);
  if (error !== undefined) expect(body.error).toBe(error);
}

async function expectDone(response: Response): Promise<unknown> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { code: number; data: unknown };
  expect(body.code).toBe(0);
  return body.data;
}

function page(who: SignedIn | undefined, path = '/moderation'): Promise<Response> {
  return fetch(`${chat.server.url}${path}`, { headers: { 'accept-language': 'en', ...(who ? { cookie: who.cookie } : {}) }, redirect: 'manual' });
}

async function searchFor(who: SignedIn, text: string): Promise<number[]> {
  const response = await fetch(`${chat.server.url}/search?q=${encodeURIComponent(text)}`, { headers: { cookie: who.cookie } });
  return ((await response.json()) as { id: number }[]).map((hit) => hit.id);
}

let owner: SignedIn;
let moderator: SignedIn;

beforeAll(async () => {
  // The first account of this fresh site is its owner; the second is nobody in particular.
  owner = await account('Olivia Owner');
  moderator = await account('Max Moderator');
  await expectDone(await act('moderators', { name: 'Max Moderator' }, owner));
});

describe('roles', () => {
  it('makes the first account the owner, and owners make moderators, who see the page; others get 403', async () => {
    const html = await (await page(owner)).text();
    expect(html).toContain('Olivia Owner');
    expect(html).toMatch(/data-role="owner"/);
    expect(html).toMatch(/data-role="moderator"/);
    expect((await page(moderator)).status).toBe(200);
    const guest = await chat.signIn(personName('Guest'));
    expect((await page(guest)).status).toBe(403);
    expect((await page(undefined)).status).toBe(302);
    // A later account is no owner.
    const later = await account(personName('Later'));
    expect((await page(later)).status).toBe(403);
  });

  it('lets only owners make moderators, and only of accounts', async () => {
    const guest = await chat.signIn(personName('Guest'));
    const other = await account(personName('Acct'));
    await expectRefused(await act('moderators', { name: other.user.name }, moderator), 403, translate('en', 'moderation.ownersOnly'));
    await expectRefused(await act('moderators', { name: other.user.name }, guest), 403);
    await expectRefused(await act('moderators', { name: other.user.name }), 401);
    await expectRefused(await act('moderators', { name: guest.user.name }, owner), 400, translate('en', 'moderation.notAccount', { name: guest.user.name }));
    await expectRefused(await act('moderators', { name: 'Nobody At All' }, owner), 404);
    await expectRefused(await act('moderators', { name: owner.user.name }, owner), 409);
    // Made and unmade: the page follows at once.
    await expectDone(await act('moderators', { name: other.user.name }, owner));
    expect((await page(other)).status).toBe(200);
    await expectRefused(await act('moderators/revoke', { userId: other.user.id }, moderator), 403);
    await expectDone(await act('moderators/revoke', { userId: other.user.id }, owner));
    expect((await page(other)).status).toBe(403);
    // A form from another site is refused before anything is read.
    const foreign = await fetch(`${chat.server.url}/moderation/moderators`, {
      method: 'POST',
      headers: { cookie: owner.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${encodeURIComponent(other.user.name)}`,
    });
    expect(foreign.status).toBe(403);
  });
});

describe('deleting a message', () => {
  it('is a moderator’s for any message: the room hears it go, and history, resume, search and the page lose it', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b, m] = await chat.connectEach(alice, bob, moderator);
    const text = unique('spam to delete');
    const sent = await say(a, text);
    await b.next((x) => x.type === 'chat' && x.id === sent.id);
    m.send({ type: 'delete', id: sent.id, ref: 'del' });
    const heard = await m.next((x) => x.type === 'deleted');
    const deleted = { type: 'deleted', id: sent.id, room: 'lobby', change: (heard as { change: number }).change };
    expect(heard).toEqual({ ...deleted, ref: 'del' });
    expect(await a.next((x) => x.type === 'deleted')).toEqual(deleted);
    expect(await b.next((x) => x.type === 'deleted')).toEqual(deleted);
    // History (a fresh connection's latest page and an older page) and resume keep a placeholder
    // without its text; search and GET / lose the text.
    const placeholder = { type: 'chat', id: sent.id, ts: sent.ts, room: 'lobby', user: alice.user, data: '', deleted: true, change: deleted.change };
    const fresh = await chat.connect(bob);
    expect(fresh.received.find((x) => x.type === 'history')?.data.find((c) => c.id === sent.id)).toEqual(placeholder);
    b.send({ type: 'history', room: 'lobby', before: sent.id + 1, limit: 100 });
    const older = await b.next((x) => x.type === 'history' && x.before === sent.id + 1);
    expect(older.type === 'history' && older.data.find((c) => c.id === sent.id)).toEqual(placeholder);
    const resumed = await chat.connect(bob, { since: sent.id - 1 });
    expect(resumed.received.find((x) => x.type === 'chat' && x.id === sent.id)).toEqual(placeholder);
    expect(await searchFor(alice, text)).toEqual([]);
    expect(await (await page(bob, '/')).text()).not.toContain(text);
    // Logged, without its text.
    const log = await (await page(moderator)).text();
    expect(log).toContain('data-action="delete_message"');
    expect(log).not.toContain(text);
  });

  it('is refused to anyone else for someone else’s message (not_yours), and a message not there is no_such_message', async () => {
    const [alice, bob, carol] = await chat.users(personName('Alice'), personName('Bob'), personName('Carol'));
    const [a, b] = await chat.connectEach(alice, bob);
    const text = unique('mine to keep');
    const sent = await say(a, text);
    expect((await refusal(b, { type: 'delete', id: sent.id })).code).toBe('not_yours');
    expect((await refusal(b, { type: 'delete', id: sent.id + 1_000_000 })).code).toBe('no_such_message');
    // A DM between two others is not even there for a third.
    const c = await chat.connect(carol);
    const private_ = await dm(a, bob.user, unique('between us'));
    expect((await refusal(c, { type: 'delete', id: private_.id })).code).toBe('no_such_message');
    expect((await refusal(b, { type: 'delete', id: private_.id })).code).toBe('not_yours');
    await expectNone(a, (x) => x.type === 'deleted');
    expect(await searchFor(alice, text)).toEqual([sent.id]);
    // The author may delete their own; then it is not there for anyone.
    a.send({ type: 'delete', id: sent.id });
    expect(await b.next((x) => x.type === 'deleted')).toMatchObject({ type: 'deleted', id: sent.id, room: 'lobby' });
    expect((await refusal(a, { type: 'delete', id: sent.id })).code).toBe('no_such_message');
    // A DM deleted by its author: both people hear it, each with the other as `with`.
    a.send({ type: 'delete', id: private_.id });
    const gone = (id: number) => (x: ServerMessage) => x.type === 'deleted' && x.id === id;
    const change = expect.any(Number) as number;
    expect(await a.next(gone(private_.id))).toEqual({ type: 'deleted', id: private_.id, with: bob.user.id, change });
    expect(await b.next(gone(private_.id))).toEqual({ type: 'deleted', id: private_.id, with: alice.user.id, change });
    await expectNone(c, gone(private_.id));
  });
});

describe('removing a person', () => {
  it('ends their sessions at once on every process, and their name cannot sign in until restored', async () => {
    const name = personName('Troll');
    const troll = await chat.signIn(name);
    // A socket on each process (round-robin in a cluster).
    const sockets = [await chat.connect(troll), await chat.connect(troll)];
    const guest = await chat.signIn(personName('Guest'));
    await expectRefused(await act('remove', { name }, guest), 403, translate('en', 'moderation.forbidden'));
    await expectRefused(await act('remove', { name: owner.user.name }, moderator), 409);
    await expectRefused(await act('remove', { name: 'Nobody At All' }, moderator), 404);
    await expectDone(await act('remove', { name }, moderator));
    for (const socket of sockets) expect(await closeCode(socket)).toBe(4001);
    // Their cookie is no identity on any path, and their name is refused, with a password too.
    expect((await page(troll, '/')).status).toBe(302);
    expect((await fetch(`${chat.server.url}/search?q=abc`, { headers: { cookie: troll.cookie } })).status).toBe(401);
    expect(await closeCode(await chat.open(troll))).toBe(4001);
    const again = await trySignIn(chat.server.url, name);
    expect(again.status).toBe(403);
    expect(JSON.parse(again.answer.body)).toEqual({ code: 1, error: translate('zh-CN', 'signin.removed', { name }) });
    expect((await trySignIn(chat.server.url, name.toUpperCase())).status).toBe(403);
    const html = await (await page(moderator)).text();
    expect(html).toContain(name);
    // Restored: the name signs in again (a guest's, now free: someone new).
    await expectRefused(await act('restore', { userId: troll.user.id }, guest), 403);
    await expectDone(await act('restore', { userId: troll.user.id }, moderator));
    await expectRefused(await act('restore', { userId: troll.user.id }, moderator), 404);
    const back = await chat.signIn(name);
    expect(back.user.name).toBe(name);
  });
});

describe('blocking an address', () => {
  it('refuses sign-in and sockets from it until lifted; by address or by the name of who signed in there', async () => {
    const guest = await chat.signIn(personName('Guest'));
    await expectRefused(await act('block', { target: '127.0.0.77', duration: '1h' }, guest), 403);
    await expectRefused(await act('block', { target: '127.0.0.77', duration: 'forever' }, moderator), 400);
    await expectRefused(await act('block', { target: '127.0.0.1', duration: '1h' }, moderator), 409);
    // Someone signed in from 127.0.0.78, blocked by their name: their address is.
    const there = await trySignIn(chat.server.url, personName('Far'), { localAddress: '127.0.0.78' });
    expect(there.status).toBe(200);
    expect(await expectDone(await act('block', { target: there.account!.user.name, duration: '10m' }, moderator))).toMatchObject({ address: '127.0.0.78' });
    await expectDone(await act('block', { target: '127.0.0.77', duration: '1h' }, moderator));
    for (const address of ['127.0.0.77', '127.0.0.78']) {
      const refused = await trySignIn(chat.server.url, personName('Blocked'), { localAddress: address });
      expect(refused.status).toBe(403);
      expect(Number(refused.answer.headers['retry-after'])).toBeGreaterThan(0);
      const socket = await chat.open(there.account!, { localAddress: address });
      expect(await socket.closed).toEqual({ code: 4003, reason: 'Address blocked' });
    }
    // Another address is not touched.
    expect((await trySignIn(chat.server.url, personName('Near'), { localAddress: '127.0.0.79' })).status).toBe(200);
    expect(await (await page(moderator)).text()).toContain('127.0.0.77');
    await expectRefused(await act('unblock', { address: '127.0.0.77' }, guest), 403);
    await expectDone(await act('unblock', { address: '127.0.0.77' }, moderator));
    await expectDone(await act('unblock', { address: '127.0.0.78' }, moderator));
    await expectRefused(await act('unblock', { address: '127.0.0.78' }, moderator), 404);
    expect((await trySignIn(chat.server.url, personName('Again'), { localAddress: '127.0.0.77' })).status).toBe(200);
  });
});

describe('locking a room', () => {
  it('makes it read-only but for moderators, on every process, until unlocked', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const room = await chat.createRoom(alice);
    const [a, b, m] = await chat.connectEach(alice, bob, moderator);
    await joinAll(room, a, b, m);
    await expectRefused(await act('lock', { room }, alice), 403);
    await expectDone(await act('lock', { room }, moderator));
    await expectRefused(await act('lock', { room }, moderator), 409);
    for (const client of [a, b, m]) expect(await client.next((x) => x.type === 'locked')).toEqual({ type: 'locked', room, locked: true });
    // Everyone else is refused, on whichever process; the moderator posts.
    for (const client of [a, b]) expect((await refusal(client, { type: 'chat', room, data: 'still here?' })).code).toBe('room_locked');
    const said = await say(m, 'the room is locked for now', room);
    await a.next((x) => x.type === 'chat' && x.id === said.id);
    // A newcomer hears it is locked when joining.
    const late = await chat.connect(bob);
    await join(late, room);
    expect(await late.next((x) => x.type === 'locked')).toEqual({ type: 'locked', room, locked: true });
    await expectDone(await act('unlock', { room }, moderator));
    expect(await b.next((x) => x.type === 'locked')).toEqual({ type: 'locked', room, locked: false });
    await say(b, 'back again', room);
  });

  it('lets moderators end any room but the lobby', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const room = await chat.createRoom(alice);
    const response = await fetch(`${chat.server.url}/rooms/${room}/archive`, { method: 'POST', headers: { cookie: moderator.cookie } });
    expect(response.status).toBe(200);
    const lobby = await fetch(`${chat.server.url}/rooms/lobby`, { method: 'DELETE', headers: { cookie: moderator.cookie } });
    expect(lobby.status).toBe(403);
  });
});

describe('the log', () => {
  it('names who did what to whom, newest first, for owners and moderators only', async () => {
    const html = await (await page(owner)).text();
    const actions = [...html.matchAll(/data-action="(\w+)"/g)].map((match) => match[1]);
    expect(actions).toContain('grant_moderator');
    expect(actions.at(-1)).toBe('grant_moderator');
    expect(html).toContain('Max Moderator');
    const guest = await chat.signIn(personName('Guest'));
    expect((await page(guest)).status).toBe(403);
  });
});
