// Names a person can keep (docs/protocol.md, "Names"), over HTTP as a browser or a script signs
// in: a name with a password is claimed for good (401 without it or with a wrong one, the same
// user with the right one on another device), a name a guest signed in holds is 409 under any
// spelling that looks the same, free again once they sign out, claimed by the guest themselves
// from their own browser; names and room names with invisible characters refused; no password
// in a cookie or a page. Requests go to each process in turn (the cluster project runs two).
import { describe, expect, it } from 'vitest';
import { personName, roomName } from '../../helpers/chat.js';
import { useServer } from '../../helpers/fixture.js';
import { cookieHeader, formPost, jsonPost } from '../../helpers/server.js';

const chat = useServer();

let turn = 0;
/** Each process in turn, as nginx without sticky sessions would send them. */
const site = () => chat.servers[turn++ % chat.servers.length]!.url;

interface Answer {
  status: number;
  body: { code: number; data?: { id: string; name: string; image: number }; error?: string };
  cookie: string;
  setCookies: string[];
}

/** A JSON POST from an English reader (the site's own language is Chinese), as the cookie's user when given. */
const englishJson = (body: unknown, cookie?: string) => {
  const post = jsonPost(body, cookie);
  return { ...post, headers: { ...post.headers, 'accept-language': 'en' } };
};

/** `POST /signin` as JSON, with the cookie of a browser when given. */
async function signInJson(fields: Record<string, unknown>, cookie?: string): Promise<Answer> {
  const response = await fetch(`${site()}/signin`, englishJson(fields, cookie));
  return { status: response.status, body: (await response.json()) as Answer['body'], cookie: cookieHeader(response), setCookies: response.headers.getSetCookie() };
}

async function signOut(cookie: string): Promise<void> {
  const response = await fetch(`${site()}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
  await response.body?.cancel();
}

const PASSWORD = 'correct horse battery staple';

describe('a name with a password', () => {
  it('is claimed for good: without it or with a wrong one 401, with it the same user on another device', async () => {
    const name = personName('Keeper');
    const claimed = await signInJson({ name, password: PASSWORD });
    expect(claimed.status).toBe(200);
    const me = claimed.body.data!;
    expect(me.name).toBe(name);

    const withoutPassword = await signInJson({ name });
    expect(withoutPassword.status).toBe(401);
    expect(withoutPassword.body).toEqual({ code: 1, error: expect.stringContaining('password') });
    expect(withoutPassword.setCookies).toEqual([]);
    const wrong = await signInJson({ name: name.toUpperCase(), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 1, error: `That is not the password of “${name}”` });
    expect(wrong.setCookies).toEqual([]);

    // Another device (no cookie), while the first is still signed in: the same person.
    const phone = await signInJson({ name: name.toLowerCase(), password: PASSWORD });
    expect(phone.status).toBe(200);
    expect(phone.body.data).toEqual(me);
    // And after signing out everywhere, too.
    await signOut(claimed.cookie);
    await signOut(phone.cookie);
    const later = await signInJson({ name, password: PASSWORD });
    expect(later.body.data).toEqual(me);
  });

  it('keeps the rooms, the DMs and the read position of the person who comes back', async () => {
    const name = personName('Returner');
    const first = await signInJson({ name, password: PASSWORD });
    const me = { user: first.body.data!, cookie: first.cookie };
    const room = await chat.createRoom(me, roomName('kept'));
    const friend = await chat.signIn(personName('Friend'));
    const [mine, theirs] = await chat.connectEach(me, friend);
    mine.send({ type: 'join', room });
    await mine.next((m) => m.type === 'history' && 'room' in m && m.room === room);
    theirs.send({ type: 'dm', to: me.user.id, data: 'a DM for the one who comes back' });
    await mine.next((m) => m.type === 'dm' && m.data === 'a DM for the one who comes back');
    await chat.closeSockets();
    await signOut(first.cookie);

    const again = await signInJson({ name, password: PASSWORD });
    expect(again.body.data?.id).toBe(me.user.id);
    const page = await (await fetch(`${site()}/`, { headers: { cookie: again.cookie } })).text();
    expect(page).toContain(room);
    const socket = await chat.connect({ user: again.body.data!, cookie: again.cookie });
    socket.send({ type: 'history', with: friend.user.id });
    const history = await socket.next((m) => m.type === 'history' && 'with' in m);
    expect(history.type === 'history' && history.data.map((m) => m.data)).toEqual(['a DM for the one who comes back']);
  });

  it('is refused at the wrong length or type, saying how long a password is', async () => {
    const name = personName('Short');
    for (const password of ['seven77', 'p'.repeat(201), 12345678, ['a', 'list']]) {
      const answer = await signInJson({ name, password });
      expect(answer.status, JSON.stringify(password)).toBe(400);
      expect(answer.body).toEqual({ code: 1, error: 'A password is 8 to 200 characters' });
    }
    // An empty field is no password: a guest.
    expect((await signInJson({ name, password: '' })).status).toBe(200);
  });

  it('is never in a cookie, a page or an error, and the form shows the error without it', async () => {
    const name = personName('Secret');
    const claimed = await signInJson({ name, password: PASSWORD });
    for (const line of claimed.setCookies) {
      const value = decodeURIComponent(line.split(';')[0]!.split('=').slice(1).join('='));
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      for (const text of [line, decoded]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain('scrypt');
      }
    }
    const page = await (await fetch(`${site()}/`, { headers: { cookie: claimed.cookie } })).text();
    expect(page).not.toContain(PASSWORD);
    expect(page).not.toContain('scrypt');

    const typo = 'correct horse battery stapel';
    const form = await fetch(`${site()}/signin`, { ...formPost({ name, password: typo }), headers: { ...formPost({}).headers, 'accept-language': 'en' } });
    expect(form.status).toBe(401);
    const html = await form.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain(`That is not the password of “${name}”`);
    expect(html).toContain(`value="${name}"`);
    expect(html).not.toContain(typo);
    expect(html).not.toContain(PASSWORD);
    expect(form.headers.getSetCookie()).toEqual([]);
  });
});

describe('a name held by a guest', () => {
  it('is 409 for anyone else while they are signed in, under any spelling that looks the same, naming them', async () => {
    const holder = await chat.signIn('Alice');
    for (const name of ['Alice', 'alice', 'ALICE', '\u0410lice', 'ＡＬＩＣＥ', 'A1ice', ' Alice ']) {
      const answer = await signInJson({ name });
      expect(answer.status, name).toBe(409);
      expect(answer.body).toEqual({ code: 1, error: expect.stringContaining('“Alice”') });
      expect(answer.setCookies).toEqual([]);
    }
    // Names a reader tells apart are other names.
    for (const name of ['\u00c5lice', 'Alice2', 'Alicia']) expect((await signInJson({ name })).status, name).toBe(200);
    expect(holder.user.name).toBe('Alice');
  });

  it('shows the form again with the reason, in Chinese too', async () => {
    const holder = await chat.signIn('路人甲');
    const response = await fetch(`${site()}/signin`, {
      ...formPost({ name: '路人甲' }),
      headers: { ...formPost({}).headers, 'accept-language': 'zh-CN' },
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('一位在线的用户正在使用名字“路人甲”');
    expect(html).toContain('name="password"');
    expect(holder.user.name).toBe('路人甲');
  });

  it('is free again once the guest signed out: the next sign-in with it is a new person', async () => {
    const first = await chat.signIn('Bob');
    expect((await signInJson({ name: 'bob' })).status).toBe(409);
    await signOut(first.cookie);
    const next = await signInJson({ name: 'bob' });
    expect(next.status).toBe(200);
    expect(next.body.data?.id).not.toBe(first.user.id);
    expect(next.body.data?.name).toBe('bob');
    await signOut(next.cookie);
  });

  it('is theirs again from their own browser, and theirs for good when they add a password there', async () => {
    const guest = await chat.signIn(personName('Guest'));
    const again = await signInJson({ name: guest.user.name }, guest.cookie);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(guest.user);

    const claimed = await signInJson({ name: guest.user.name, password: PASSWORD }, again.cookie);
    expect(claimed.body.data).toEqual(guest.user);
    await signOut(claimed.cookie);
    await signOut(guest.cookie);
    // Signed out everywhere, the name is still theirs: without the password 401, with it the same person.
    expect((await signInJson({ name: guest.user.name })).status).toBe(401);
    expect((await signInJson({ name: guest.user.name, password: PASSWORD })).body.data).toEqual(guest.user);
  });

  it('is let go when the same browser signs in as someone else: that sign-in ends, and its name is free', async () => {
    const first = await chat.signIn(personName('Before'));
    const socket = await chat.connect(first);
    const other = await signInJson({ name: personName('After') }, first.cookie);
    expect(other.status).toBe(200);
    expect((await socket.closed).code).toBe(4001);
    expect((await fetch(`${site()}/`, { headers: { cookie: first.cookie }, redirect: 'manual' })).status).toBe(302);
    const taker = await signInJson({ name: first.user.name });
    expect(taker.status).toBe(200);
    expect(taker.body.data?.id).not.toBe(first.user.id);
  });

  it('prefills the form with a guest name nobody holds', async () => {
    const held = await Promise.all(['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬'].map((stem) => chat.signIn(`路人${stem}`)));
    expect(held).toHaveLength(9);
    for (let i = 0; i < 5; i++) {
      const html = await (await fetch(`${site()}/signin`, { headers: { 'accept-language': 'zh-CN' } })).text();
      const name = /name="name" value="([^"]*)"/.exec(html)?.[1] ?? '';
      expect(name).toMatch(/^路人[甲乙丙丁戊己庚辛壬癸]\d*$/);
      expect(name === '路人癸' || /\d$/.test(name), name).toBe(true);
    }
  });
});

describe('invisible characters', () => {
  it('are refused in a name with 400 and a clear reason, in either language', async () => {
    for (const char of ['\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad', '\u3164', '\u2800']) {
      const answer = await signInJson({ name: `E${char}ve` });
      expect(answer.status, `U+${char.codePointAt(0)!.toString(16)}`).toBe(400);
      expect(answer.body.error).toBe('A name cannot hold invisible or text-direction characters (such as a zero-width space)');
    }
    const zh = await fetch(`${site()}/signin`, { ...jsonPost({ name: '\u200b' }), headers: { ...jsonPost({}).headers, 'accept-language': 'zh-CN' } });
    expect(await zh.json()).toEqual({ code: 1, error: '名字不能包含不可见字符或改变文字方向的字符（例如零宽空格）' });
  });

  it('are refused in a room name; a room name like an existing one is 409 naming that room', async () => {
    const maker = await chat.signIn(personName('Maker'));
    const post = (name: string) => fetch(`${site()}/rooms`, englishJson({ name }, maker.cookie));
    for (const name of ['dev\u3164', 'dev\ufe0f', 'd\u034fev']) {
      const answer = await post(name);
      expect(answer.status, name).toBe(400);
      expect(await answer.json()).toEqual({ code: 1, error: 'A room name cannot hold invisible characters' });
    }
    const name = roomName('dev');
    expect((await post(name)).status).toBe(201);
    const lookAlike = name.replace('e', '\u0435');
    for (const like of [lookAlike, name.toUpperCase()]) {
      const answer = await post(like);
      expect(answer.status, like).toBe(409);
      expect(await answer.json()).toEqual({ code: 1, error: `A room called “${name}” exists already`, room: name });
    }
  });

  it('make no message: a chat or DM of only them and white space is `empty`', async () => {
    const [writer, reader] = await chat.users(personName('Writer'), personName('Reader'));
    const [socket, readerSocket] = await chat.connectEach(writer, reader);
    for (const data of ['\u200b', ' \u200b\u200d ', '\u202e', '\ufeff\u2060', '\u3164']) {
      socket.send({ type: 'chat', room: 'lobby', data, ref: 'c' });
      expect(await socket.next((m) => m.type === 'error')).toMatchObject({ data: { code: 'empty' }, ref: 'c' });
      socket.send({ type: 'dm', to: reader.user.id, data, ref: 'd' });
      expect(await socket.next((m) => m.type === 'error')).toMatchObject({ data: { code: 'empty' }, ref: 'd' });
    }
    await readerSocket.settle();
    expect(readerSocket.pending((m) => m.type === 'chat' || m.type === 'dm')).toEqual([]);
  });
});

// Each guess is a scrypt hash (about 128 MiB and a third of a second of a core): a dozen of them
// take their time on a busy machine.
describe('password guessing', { timeout: 90_000 }, () => {
  const limited = useServer({ PASSWORD_GUESS_LIMIT: '2', TRUST_PROXY: '1' });
  const at = (i: number) => limited.servers[i % limited.servers.length]!.url;
  let request = 0;
  const guess = async (name: string, password: string, address: string) => {
    const response = await fetch(`${at(request++)}/signin`, {
      ...englishJson({ name, password }),
      headers: { ...englishJson({}).headers, 'x-forwarded-for': address },
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: string } };
  };

  it('is limited per name, whatever the address and the process, for minutes not hours; the right password waits too', async () => {
    const name = personName('Target');
    expect((await guess(name, PASSWORD, '203.0.113.1')).status).toBe(200);
    expect((await guess(name, 'wrong guess 1', '203.0.113.2')).status).toBe(401);
    expect((await guess(name.toLowerCase(), 'wrong guess 2', '203.0.113.3')).status).toBe(401);
    const refused = await guess(name, 'wrong guess 3', '203.0.113.4');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(300);
    expect(refused.body.error).toMatch(/^Too many wrong passwords for this name: try again in [1-5] min$/);
    expect((await guess(name, PASSWORD, '203.0.113.5')).status).toBe(429);
    // Another name is not held back by it.
    const other = personName('Other');
    expect((await guess(other, PASSWORD, '203.0.113.6')).status).toBe(200);
    expect((await guess(other, PASSWORD, '203.0.113.6')).status).toBe(200);
  });

  it('is limited per address, over any names: that address is refused, another is not', async () => {
    const names = [personName('One'), personName('Two'), personName('Three'), personName('Four')];
    for (const name of names) expect((await guess(name, PASSWORD, '198.51.100.1')).status).toBe(200);
    // Three times a name's allowance (2) from one address: 6 wrong passwords, two names' worth each.
    for (let i = 0; i < 6; i++) expect((await guess(names[i % 3]!, `wrong guess ${i}`, '198.51.100.7')).status).toBe(401);
    const refused = await guess(names[3]!, 'wrong again', '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/^Too many wrong passwords from your address/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await guess(names[3]!, 'wrong elsewhere', '198.51.100.8')).status).toBe(401);
    expect((await guess(names[3]!, PASSWORD, '198.51.100.8')).status).toBe(200);
  });
});
