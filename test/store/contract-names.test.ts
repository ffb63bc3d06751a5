// The Store contract for names a person can keep (test/helpers/engines.ts: SQLite and PostgreSQL
// alike): who holds a name, a sign-in by name taking a free one, refused while someone else holds
// it (signed in, or with a password), the name moving on once a guest's sessions end or expire,
// the holder signing in again as themselves, two sign-ins of one name at once, the sweep keeping
// a claimed user, and room names unique by their key.
import { expect, it } from 'vitest';
import { nameKey } from '../../src/shared/protocol/index.js';
import type { NameSignIn, Store } from '../../src/store/store.js';
import { forEachEngine } from '../helpers/engines.js';

const HOUR = 3_600_000;
const user = (id: string, name: string) => ({ id, name, image: 1 });

/** A sign-in by name at `at`, sessions lasting an hour; its session id is `s-<user id>-<at>`. */
function signIn(store: Store, who: { id: string; name: string; image: number }, at: number, passwordHash?: string, name = who.name) {
  const attempt: NameSignIn = { key: nameKey(name), user: who, sessionId: `s-${who.id}-${at}`, at, liveAfter: at - HOUR };
  return store.signInByName(passwordHash === undefined ? attempt : { ...attempt, passwordHash });
}

forEachEngine('names', [], (fresh) => {
  it('a free name is taken by its first sign-in; someone else signed in with a like name is refused; the holder signs in again', async () => {
    const store = await fresh();
    expect(await store.nameHolder(nameKey('Alice'), 0)).toBeUndefined();
    const alice = user('u-alice', 'Alice');
    expect(await signIn(store, alice, 1000)).toEqual({ ok: true, user: { ...alice, createdAt: 1000 } });
    expect(await store.getSession('s-u-alice-1000')).toMatchObject({ user: { id: alice.id } });
    expect(await store.nameHolder(nameKey('alice'), 0)).toEqual({ user: { ...alice, createdAt: 1000 }, signedIn: true });

    for (const name of ['alice', 'ALICE', '\u0410lice', 'ａｌｉｃｅ']) {
      expect(await signIn(store, user(`other-${name}`, name), 2000)).toEqual({ ok: false, reason: 'signedIn', holder: { ...alice, createdAt: 1000 } });
      expect(await store.getUser(`other-${name}`)).toBeUndefined();
    }
    // The holder again (another device of theirs with its cookie, say): the same user, a second session.
    expect(await signIn(store, alice, 3000, undefined, 'alice')).toEqual({ ok: true, user: { ...alice, createdAt: 1000 } });
    expect(await store.getSession('s-u-alice-3000')).toMatchObject({ user: { id: alice.id, name: 'Alice' } });
    // Another name is another holder.
    expect(await signIn(store, user('u-alicia', 'Alicia'), 4000)).toMatchObject({ ok: true });
  });

  it('a guest’s name is free once their sessions ended or expired: the next sign-in with it is a new user', async () => {
    const store = await fresh();
    const first = user('u-first', 'Bob');
    await signIn(store, first, 1000);
    await store.endSession('s-u-first-1000', 1500);
    expect(await store.nameHolder(nameKey('bob'), 0)).toMatchObject({ signedIn: false });
    const second = user('u-second', 'bob');
    expect(await signIn(store, second, 2000)).toEqual({ ok: true, user: { ...second, createdAt: 2000 } });
    expect(await store.nameHolder(nameKey('Bob'), 0)).toMatchObject({ user: { id: 'u-second' }, signedIn: true });
    // The first keeps their id and name (their messages are theirs) but not the name's hold.
    expect(await store.getUser('u-first')).toMatchObject({ name: 'Bob' });

    // Expired: made more than a session's life before.
    const third = user('u-third', 'BOB');
    expect(await signIn(store, third, 2000 + HOUR - 1)).toMatchObject({ ok: false, reason: 'signedIn' });
    expect(await signIn(store, third, 2000 + HOUR)).toMatchObject({ ok: true, user: { id: 'u-third' } });
  });

  it('a password claims the name for good: nobody else signs in with it, signed in or not; its holder does', async () => {
    const store = await fresh();
    const carol = user('u-carol', 'Carol');
    await signIn(store, carol, 1000, 'scrypt$hash-one');
    expect(await store.nameHolder(nameKey('carol'), 0)).toEqual({ user: { ...carol, createdAt: 1000 }, signedIn: true, passwordHash: 'scrypt$hash-one' });
    await store.endSessionsOf(carol.id, 1100);
    expect(await signIn(store, user('u-other', 'carol'), 10 * HOUR)).toEqual({ ok: false, reason: 'claimed', holder: { ...carol, createdAt: 1000 } });
    expect(await signIn(store, carol, 10 * HOUR)).toMatchObject({ ok: true, user: { id: carol.id } });
    // A hash given again does not replace the one kept (changing it is the account page's).
    await signIn(store, carol, 11 * HOUR, 'scrypt$hash-two');
    expect(await store.nameHolder(nameKey('Carol'), 0)).toMatchObject({ passwordHash: 'scrypt$hash-one' });
  });

  it('a guest holding the name claims it as themselves, keeping their id', async () => {
    const store = await fresh();
    const dave = user('u-dave', 'Dave');
    await signIn(store, dave, 1000);
    expect(await signIn(store, dave, 2000, 'scrypt$dave')).toMatchObject({ ok: true, user: { id: dave.id } });
    expect(await store.nameHolder(nameKey('dave'), 0)).toMatchObject({ user: { id: dave.id }, passwordHash: 'scrypt$dave' });
  });

  it('of many sign-ins of one name at once, one holds it and the others are refused', async () => {
    const store = await fresh();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(store, user(`u-same-${i}`, i % 2 ? 'Erin' : 'erin'), 1000)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    const winner = outcomes.find((outcome) => outcome.ok);
    expect(await store.nameHolder(nameKey('ERIN'), 0)).toMatchObject({ user: { id: winner?.ok ? winner.user.id : '' } });
  });

  it('the sweep removes a guest who left nothing, freeing their name, and keeps a user with a password', async () => {
    const store = await fresh();
    await signIn(store, user('u-guest', 'Guest'), 1000);
    await signIn(store, user('u-owner', 'Owner'), 1000, 'scrypt$owner');
    for (let more = true; more; ) more = (await store.sweep(10 * HOUR, HOUR)).more;
    expect(await store.getUser('u-guest')).toBeUndefined();
    expect(await store.nameHolder(nameKey('Guest'), 0)).toBeUndefined();
    expect(await store.getUser('u-owner')).toMatchObject({ name: 'Owner' });
    expect(await store.nameHolder(nameKey('Owner'), 0)).toMatchObject({ passwordHash: 'scrypt$owner', signedIn: false });
  });

  it('room names are unique by their key: a look-alike is not made, and the room it is like is found by the key', async () => {
    const store = await fresh();
    expect(await store.createRoom('dev', 1)).toEqual({ name: 'dev', createdAt: 1 });
    for (const like of ['DEV', 'd\u0435v', 'ｄｅｖ']) expect(await store.createRoom(like, 2), like).toBeUndefined();
    expect(await store.findRoomByKey(nameKey('d\u0435v'))).toEqual({ name: 'dev', createdAt: 1 });
    expect(await store.findRoomByKey(nameKey('lobby'))).toMatchObject({ name: 'lobby' });
    expect(await store.createRoom('dev2', 3)).toMatchObject({ name: 'dev2' });
    await store.archiveRoom('dev', 4);
    expect(await store.findRoomByKey(nameKey('DEV'))).toMatchObject({ name: 'dev', archivedAt: 4 });
    expect(await store.createRoom('Dev', 5)).toBeUndefined();
  });
});
