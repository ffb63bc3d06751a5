// Mentions resolved to a person when sent (docs/protocol.md, "Mentions"): a chat's or a DM's
// `mentions` holds the ids its `@name`s named then, under any spelling that is the same name; a
// later person who takes a like name never inherits them, in the live frame, history, resume or
// the unread counts. Sign-ins and sockets are spread over the processes in the cluster project.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessages } from '../../src/shared/protocol/index.js';
import { dm, personName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { signInWithPassword } from '../helpers/server.js';
import { connectWithUnread, entryFor } from '../helpers/unread.js';

const chat = useServer({ RATE_LIMIT: '0' });

describe('mentions', () => {
  it('are the ids the @names named when sent, under any spelling of the name; nobody for a name nobody holds', async () => {
    const [alice, bob] = await chat.users(personName('Alice'), personName('Bob'));
    const [a, b] = await chat.connectEach(alice, bob);
    const name = bob.user.name;
    const shouted = await say(a, `@${name.toUpperCase()} look at this`);
    expect(shouted.mentions).toEqual([bob.user.id]);
    // Bob's own copy, on whichever process he is, says the same.
    const seen = await b.next<ChatMessage>((m) => m.type === 'chat' && m.id === shouted.id);
    expect(seen.mentions).toEqual([bob.user.id]);
    // Both, once each, in the order first named; a mail address and a stranger name nobody.
    const both = await say(a, `@${name} and @${alice.user.name}, and @${name} again`);
    expect(both.mentions).toEqual([bob.user.id, alice.user.id]);
    const none = await say(a, `write to ${name}@example.com or @${personName('Nobody')}`);
    expect(none).not.toHaveProperty('mentions');
    const private_ = await dm(a, bob.user, `@${name} this one is for you`);
    expect(private_.mentions).toEqual([bob.user.id]);
  });

  it('are never inherited by whoever takes the name later: not in history, not in unread counts', async () => {
    const name = personName('Dup');
    const alice = await chat.signIn(personName('Alice'));
    const first = await chat.signIn(name);
    const { client: a } = await connectWithUnread(chat, alice);
    const toFirst = await say(a, `@${name} hello ${unique('first')}`);
    expect(toFirst.mentions).toEqual([first.user.id]);

    // The first Dup signs out: the name is free, and someone new takes it.
    const out = await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie: first.cookie }, redirect: 'manual' });
    await out.body?.cancel();
    const second = await chat.signIn(name);
    expect(second.user.id).not.toBe(first.user.id);
    const { client: s, unread } = await connectWithUnread(chat, second);
    expect(entryFor(unread, { room: 'lobby' })).toBeUndefined();
    // The lobby's latest page, as the greeting brought it.
    const page = s.received.find((m): m is ServerMessages['history'] => m.type === 'history' && 'room' in m && m.room === 'lobby');
    expect(page?.data.find((m) => m.id === toFirst.id)?.mentions).toEqual([first.user.id]);

    // Said to the name now: the new Dup, counted as a mention when they come back.
    await s.close();
    const toSecond = await say(a, `@${name} welcome ${unique('second')}`);
    expect(toSecond.mentions).toEqual([second.user.id]);
    expect(entryFor((await connectWithUnread(chat, second)).unread, { room: 'lobby' })).toMatchObject({ count: 1, mentions: 1 });
  });

  it('reach a person whose name is claimed with a password while they are signed out', async () => {
    const name = personName('Claimed');
    const { user: claimed, cookie } = await signInWithPassword(chat.server.url, name, 'correct horse battery staple');
    const out = await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    await out.body?.cancel();
    const alice = await chat.signIn(personName('Alice'));
    const [a] = await chat.connectEach(alice);
    expect((await say(a, `@${name} when you are back`)).mentions).toEqual([claimed.id]);
  });
});
