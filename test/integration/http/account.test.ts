// Why this file is long: the account page's four parts (password, sessions, name, deletion) share
// one set of sign-in helpers and run on every engine and process layout; one file keeps them together.
// The account page (docs/protocol.md, "Your account") over HTTP and the socket, on every engine
// and process layout: a guest sets a password and is the same person elsewhere with it; changing
// it needs the current one (a wrong one refused) and ends the other sessions; sessions listed with
// this device marked, one ended (its socket closes, the other still answers), the others, or all;
// a new name refused when held, claimed, look-alike or reserved, taken otherwise and seen by
// others; an account deleted (sockets closed, the name free, its messages by "deleted user" in
// history, search and the page); a cross-origin form refused; signed out, the page is the sign-in.
import { describe, expect, it } from 'vitest';
import type { SearchResult, ServerMessage, User } from '../../../src/shared/protocol/index.js';
import { closeCode, personName, say, unique } from '../../helpers/chat.js';
import { useServer } from '../../helpers/fixture.js';
import { cookieHeader, type SignedIn } from '../../helpers/server.js';

// Wrong passwords run out after 3 a name (each costs a real scrypt check).
const chat = useServer({ PASSWORD_GUESS_LIMIT: '3' });

let turn = 0;
/** Each process in turn, as nginx without sticky sessions would send them. */
const site = () => chat.servers[turn++ % chat.servers.length]!.url;

const PASSWORD = 'correct horse battery staple';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/**
 * Signs in over JSON (with a password when given) from a browser described by `agent`; with the
 * cookie of a guest's browser, that guest again: another session of theirs (no password to hash).
 */
async function signInAs(name: string, password?: string, agent = FIREFOX, cookie?: string): Promise<SignedIn> {
  const response = await fetch(`${site()}/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': agent, 'accept-language': 'en', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(password === undefined ? { name } : { name, password }),
  });
  const body = (await response.json()) as { data?: User; error?: string };
  expect(response.status, body.error).toBe(200);
  return { user: body.data!, cookie: cookieHeader(response) };
}

interface Posted {
  status: number;
  location: string | null;
  text: string;
  cookie: string;
}

/** A form POST to the account page's forms, as an English browser of the site (or of `origin`). */
async function post(path: string, fields: Record<string, string>, cookie: string, origin?: string): Promise<Posted> {
  const base = site();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'accept-language': 'en', origin: origin ?? base },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), text: await response.text(), cookie: cookieHeader(response) };
}

async function accountPage(cookie: string, path = '/account?lang=en'): Promise<{ status: number; location: string | null; text: string }> {
  const response = await fetch(`${site()}${path}`, { headers: { cookie, 'accept-language': 'en' }, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

/** The handles of the sessions the page offers to end (every one but this device's). */
const handles = (page: string): string[] => [...page.matchAll(/name="session" value="([^"]+)"/g)].map((match) => match[1]!);

/** Whether the cookie still signs someone in (the chat page, not a redirect to the sign-in). */
async function signedIn(cookie: string): Promise<boolean> {
  const response = await fetch(`${site()}/`, { headers: { cookie }, redirect: 'manual' });
  await response.body?.cancel();
  return response.status === 200;
}

async function search(who: SignedIn, q: string): Promise<SearchResult[]> {
  const response = await fetch(`${site()}/search?q=${encodeURIComponent(q)}`, { headers: { cookie: who.cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as SearchResult[];
}

describe('the account page, signed out', () => {
  it('sends a GET to the sign-in page and refuses a form', async () => {
    const page = await accountPage('');
    expect(page.status).toBe(302);
    expect(page.location).toBe('/signin');
    const form = await post('/account/name', { name: 'Nobody' }, '');
    expect(form.status).toBe(401);
  });

  it('refuses a form posted from another site', async () => {
    const me = await chat.signIn(personName('Target'));
    const forged = await post('/account/delete', { confirm: me.user.name }, me.cookie, 'http://evil.example');
    expect(forged.status).toBe(403);
    expect(await signedIn(me.cookie)).toBe(true);
  });
});

describe('a password from the account page', () => {
  it('lets a guest claim their name, then be the same person elsewhere with it', async () => {
    const name = personName('Claimer');
    const guest = await signInAs(name);
    expect((await accountPage(guest.cookie)).text).toContain('You are a guest');
    const set = await post('/account/password', { password: PASSWORD }, guest.cookie);
    expect(set.status).toBe(302);
    expect(set.location).toBe('/account?done=password');
    const page = await accountPage(guest.cookie, set.location!);
    expect(page.text).toContain('Your password is set');
    expect(page.text).toContain('kept with a password');
    expect(page.text).not.toContain(PASSWORD);
    // Another device, no cookie: the password is needed, and with it the same user.
    const refused = await fetch(`${site()}/signin`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ name }) });
    expect(refused.status).toBe(401);
    const phone = await signInAs(name, PASSWORD, SAFARI);
    expect(phone.user.id).toBe(guest.user.id);
  });

  it('changes only with the current password, and signs out every other device', async () => {
    const name = personName('Changer');
    const laptop = await signInAs(name, PASSWORD);
    const phone = await signInAs(name, PASSWORD, SAFARI);
    const phoneSocket = await chat.connect(phone);
    const laptopSocket = await chat.connect(laptop);

    const without = await post('/account/password', { password: 'a new password 1' }, laptop.cookie);
    expect(without.status).toBe(401);
    expect(without.text).toContain('Enter your current password');
    const wrong = await post('/account/password', { current: 'not the password', password: 'a new password 1' }, laptop.cookie);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That is not your current password');
    expect(wrong.text).not.toContain('a new password 1');
    expect(await signedIn(phone.cookie)).toBe(true);

    const changed = await post('/account/password', { current: PASSWORD, password: 'a new password 1' }, laptop.cookie);
    expect(changed.status).toBe(302);
    expect(await closeCode(phoneSocket)).toBe(4001);
    expect(await signedIn(phone.cookie)).toBe(false);
    // This device stays signed in, its socket open.
    await laptopSocket.settle();
    expect(await signedIn(laptop.cookie)).toBe(true);
    const old = await fetch(`${site()}/signin`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
    expect(old.status).toBe(401);
    expect((await signInAs(name, 'a new password 1')).user.id).toBe(laptop.user.id);
  });

  it('counts wrong current passwords with the sign-in guesses', async () => {
    const name = personName('Guessed');
    const me = await signInAs(name, PASSWORD);
    let last: Posted | undefined;
    for (let i = 0; i < 4; i++) last = await post('/account/password', { current: `wrong guess ${i}`, password: 'another password' }, me.cookie);
    expect(last?.status).toBe(429);
    expect(last?.text).toContain('Too many wrong passwords');
  });
});

describe('sessions on the account page', () => {
  it('lists both devices, this one marked, and ends one: its socket closes, the other still answers', async () => {
    const name = personName('Twice');
    const laptop = await signInAs(name, undefined, FIREFOX);
    const phone = await signInAs(name, undefined, SAFARI, laptop.cookie);
    expect(phone.user.id).toBe(laptop.user.id);
    const [laptopSocket, phoneSocket] = await chat.connectEach(laptop, phone);
    const page = (await accountPage(laptop.cookie)).text;
    expect(page).toContain('Firefox · Linux');
    expect(page).toContain('Safari · iOS');
    expect(page.match(/This device/g)).toHaveLength(1);
    const [other] = handles(page);
    expect(handles(page)).toHaveLength(1);

    const ended = await post('/account/sessions/end', { session: other! }, laptop.cookie);
    expect(ended.status).toBe(302);
    expect(await closeCode(phoneSocket)).toBe(4001);
    expect(await signedIn(phone.cookie)).toBe(false);
    await laptopSocket.settle();
    expect(laptopSocket.isOpen).toBe(true);
    expect(handles((await accountPage(laptop.cookie)).text)).toEqual([]);
    // A handle that is no session of theirs (any more) is refused.
    expect((await post('/account/sessions/end', { session: other! }, laptop.cookie)).status).toBe(404);
  });

  it('ends every other session, then every one with sign out everywhere', async () => {
    const name = personName('Thrice');
    const one = await signInAs(name);
    const [two, three] = [await signInAs(name, undefined, SAFARI, one.cookie), await signInAs(name, undefined, FIREFOX, one.cookie)];
    const [oneSocket, twoSocket, threeSocket] = await chat.connectEach(one, two, three);
    expect((await post('/account/sessions/end-others', {}, one.cookie)).status).toBe(302);
    expect(await closeCode(twoSocket)).toBe(4001);
    expect(await closeCode(threeSocket)).toBe(4001);
    await oneSocket.settle();
    const four = await signInAs(name, undefined, FIREFOX, one.cookie);
    const fourSocket = await chat.connect(four);
    expect((await post('/signout/everywhere', {}, one.cookie)).status).toBe(302);
    expect(await closeCode(oneSocket)).toBe(4001);
    expect(await closeCode(fourSocket)).toBe(4001);
    expect(await signedIn(four.cookie)).toBe(false);
  });
});

describe('a new display name', () => {
  it('is refused when someone signed in holds it, or one that looks the same, or it is kept with a password', async () => {
    const holder = await chat.signIn(personName('Holder'));
    const claimed = personName('Claimed');
    await signInAs(claimed, PASSWORD);
    const me = await chat.signIn(personName('Renamer'));
    const lookAlike = holder.user.name.replace('o', 'о'); // Cyrillic о
    for (const [name, reason] of [
      [holder.user.name, 'Someone signed in now is using the name'],
      [holder.user.name.toUpperCase(), 'Someone signed in now is using the name'],
      [lookAlike, 'Someone signed in now is using the name'],
      [claimed.toLowerCase(), 'is kept with a password by someone else'],
      ['Deleted User', 'cannot be taken'],
    ] as const) {
      const refused = await post('/account/name', { name }, me.cookie);
      expect(refused.status, name).toBe(409);
      expect(refused.text, name).toContain(reason);
    }
    // Nor may anyone sign in under it.
    const reserved = await fetch(`${site()}/signin`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ name: 'DELETED USER' }) });
    expect(reserved.status).toBe(409);
    const invisible = await post('/account/name', { name: 'A\u200bB' }, me.cookie);
    expect(invisible.status).toBe(400);
    expect(invisible.text).toContain('invisible');
  });

  it('is taken otherwise: seen by others in history, the old name free again', async () => {
    const oldName = personName('Before');
    const me = await chat.signIn(oldName);
    const friend = await chat.signIn(personName('Friend'));
    const [mine, theirs] = await chat.connectEach(me, friend);
    const said = await say(mine, unique('said before the rename'));
    // A reaction of theirs to a friend's message, on a page a third person has read (its markup is kept).
    const reader = await chat.signIn(personName('Reader'));
    const liked = await say(theirs, unique('liked before the rename'));
    mine.send({ type: 'react', id: liked.id, emoji: '👍' });
    await theirs.next((m) => m.type === 'reactions' && m.id === liked.id);
    expect(await (await fetch(`${site()}/`, { headers: { cookie: reader.cookie } })).text()).toContain(oldName);
    const newName = personName('After');
    const renamed = await post('/account/name', { name: newName }, me.cookie);
    expect(renamed.status).toBe(302);
    // Every socket of theirs reconnects as the new name.
    expect(await closeCode(mine)).toBe(1012);
    const page = await accountPage(me.cookie, renamed.location!);
    expect(page.text).toContain(`Your name is now “${newName}”`);
    theirs.drain();
    theirs.send({ type: 'history', room: 'lobby' });
    const history = await theirs.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history');
    const message = history.data.find((m) => m.id === said.id);
    expect(message?.user).toEqual({ ...me.user, name: newName });
    const chatPage = await (await fetch(`${site()}/`, { headers: { cookie: friend.cookie } })).text();
    expect(chatPage).toContain(newName);
    // Who reacted, too: the third person's page names them by the new name only.
    const readersPage = await (await fetch(`${site()}/`, { headers: { cookie: reader.cookie } })).text();
    expect(readersPage).toContain(newName);
    expect(readersPage).not.toContain(oldName);
    // The same cookie (set again) still signs them in, as the new name.
    const again = await chat.connect({ user: { ...me.user, name: newName }, cookie: renamed.cookie ? mergeCookies(me.cookie, renamed.cookie) : me.cookie });
    const echo = await say(again, unique('said after'));
    expect(echo.user.name).toBe(newName);
    // Whoever comes next may be the old name: a new person.
    const next = await signInAs(oldName);
    expect(next.user.id).not.toBe(me.user.id);
  });
});

/** The cookies of `base` with those a response set put over them. */
function mergeCookies(base: string, set: string): string {
  const jar = new Map(base.split('; ').map((pair) => [pair.split('=')[0]!, pair] as const));
  for (const pair of set.split('; ')) jar.set(pair.split('=')[0]!, pair);
  return [...jar.values()].join('; ');
}

describe('deleting an account', () => {
  it('needs the typed name of a guest, or the password of a claimed name', async () => {
    const guest = await chat.signIn(personName('Careful'));
    const unconfirmed = await post('/account/delete', { confirm: 'something else' }, guest.cookie);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Type your name exactly');
    const keeper = await signInAs(personName('Keeper'), PASSWORD);
    const wrong = await post('/account/delete', { password: 'not the password' }, keeper.cookie);
    expect(wrong.status).toBe(401);
    expect(await signedIn(keeper.cookie)).toBe(true);
    const right = await post('/account/delete', { password: PASSWORD }, keeper.cookie);
    expect(right.status).toBe(302);
    expect(right.location).toBe('/signin');
    expect(await signedIn(keeper.cookie)).toBe(false);
  });

  it('closes every socket, frees the name, and shows its messages by "deleted user" everywhere', async () => {
    const name = personName('Leaving');
    const leaving = await signInAs(name);
    const elsewhere = await signInAs(name, undefined, SAFARI, leaving.cookie);
    const reader = await chat.signIn(personName('Reader'));
    const [one, two, watcher] = await chat.connectEach(leaving, elsewhere, reader);
    const text = unique('a message that outlives its author');
    const said = await say(one, text);
    await watcher.next((m) => m.type === 'chat' && m.id === said.id);
    watcher.send({ type: 'dm', to: leaving.user.id, data: 'hello before you go' });
    await watcher.next((m) => m.type === 'dm');

    const deleted = await post('/account/delete', { confirm: name }, leaving.cookie);
    expect(deleted.status).toBe(302);
    expect(await closeCode(one)).toBe(4001);
    expect(await closeCode(two)).toBe(4001);
    expect(await signedIn(elsewhere.cookie)).toBe(false);

    const anonymous = { id: leaving.user.id, name: 'deleted user', image: leaving.user.image, deleted: true };
    watcher.drain();
    watcher.send({ type: 'history', room: 'lobby' });
    const history = await watcher.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history');
    expect(history.data.find((m) => m.id === said.id)?.user).toEqual(anonymous);
    const found = await search(reader, text);
    expect(found.map((result) => result.user)).toEqual([anonymous]);
    const english = await (await fetch(`${site()}/?lang=en`, { headers: { cookie: reader.cookie } })).text();
    expect(english).toContain('<span class="author deleted" dir="auto">deleted user</span>');
    expect(english).not.toContain(name);
    const chinese = await (await fetch(`${site()}/?lang=zh-CN`, { headers: { cookie: reader.cookie } })).text();
    expect(chinese).toContain('<span class="author deleted" dir="auto">已删除的用户</span>');
    // Nobody to write to any more.
    watcher.send({ type: 'dm', to: leaving.user.id, data: 'are you there?', ref: 'gone' });
    const refused = await watcher.next((m) => m.type === 'error');
    expect(refused.type === 'error' && refused.data.code).toBe('no_such_user');
    // The name is free: whoever takes it is someone new.
    const newcomer = await signInAs(name);
    expect(newcomer.user.id).not.toBe(leaving.user.id);
  });

  it('lets a guest go with their name typed', async () => {
    const guest = await chat.signIn(personName('Guest'));
    const socket = await chat.connect(guest);
    const gone = await post('/account/delete', { confirm: guest.user.name }, guest.cookie);
    expect(gone.status).toBe(302);
    expect(await closeCode(socket)).toBe(4001);
    expect((await accountPage(guest.cookie)).location).toBe('/signin');
  });
});
