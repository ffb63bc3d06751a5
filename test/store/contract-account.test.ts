// The Store contract for the account page (test/helpers/engines.ts: SQLite and PostgreSQL alike):
// a user's live sessions with their browser, a password set ending every other session, a rename
// refused for a name someone else holds and taking it otherwise (the old one free, past messages
// under the new name), and an account deleted: sessions ended, name free, memberships and read
// markers gone, its messages kept under "deleted user" in history, resume and search.
import { expect, it } from 'vitest';
import { nameKey } from '../../src/shared/protocol/index.js';
import { DELETED_USER_NAME } from '../../src/store/accountStore.js';
import type { NameSignIn, Store } from '../../src/store/store.js';
import { forEachEngine } from '../helpers/engines.js';

const HOUR = 3_600_000;
const user = (id: string, name: string) => ({ id, name, image: 1 });

/** A sign-in by name at `at`, sessions lasting an hour; its session id is `s-<user id>-<at>`. */
function signIn(store: Store, who: { id: string; name: string; image: number }, at: number, extra: Partial<NameSignIn> = {}) {
  return store.signInByName({ key: nameKey(who.name), user: who, sessionId: `s-${who.id}-${at}`, at, liveAfter: at - HOUR, ...extra });
}

forEachEngine('account', [], (fresh) => {
  it('lists a user’s live sessions newest first, with the browser, and a password set ends all but one', async () => {
    const store = await fresh();
    const ann = user('u-ann', 'Ann');
    await signIn(store, ann, 1000, { agent: 'Firefox · Linux' });
    await signIn(store, ann, 2000);
    await signIn(store, ann, 3000, { agent: 'Safari · iOS' });
    await store.endSession('s-u-ann-2000', 3500);
    expect(await store.sessionsOf('u-ann', 0)).toEqual([
      { id: 's-u-ann-3000', createdAt: 3000, agent: 'Safari · iOS' },
      { id: 's-u-ann-1000', createdAt: 1000, agent: 'Firefox · Linux' },
    ]);
    // Made before `liveAfter`: expired, not listed.
    expect((await store.sessionsOf('u-ann', 1000)).map((s) => s.id)).toEqual(['s-u-ann-3000']);
    expect(await store.passwordHashOf('u-ann')).toBeUndefined();

    await store.setPassword('u-ann', 'hash-1', 's-u-ann-3000', 4000);
    expect(await store.passwordHashOf('u-ann')).toBe('hash-1');
    expect((await store.sessionsOf('u-ann', 0)).map((s) => s.id)).toEqual(['s-u-ann-3000']);
    expect(await store.getSession('s-u-ann-1000')).toMatchObject({ endedAt: 4000 });
    // Claimed now: nobody else signs in with the name.
    expect(await store.nameHolder(nameKey('ann'), 0)).toMatchObject({ passwordHash: 'hash-1' });
    // Changed: the new hash replaces the old one.
    await store.setPassword('u-ann', 'hash-2', 's-u-ann-3000', 5000);
    expect(await store.passwordHashOf('u-ann')).toBe('hash-2');
  });

  it('renames: refused for a name someone else holds, signed in or claimed; otherwise the old name is free and messages show the new one', async () => {
    const store = await fresh();
    const ben = user('u-ben', 'Ben');
    const held = user('u-held', 'Held');
    const kept = user('u-kept', 'Kept');
    await signIn(store, ben, 1000);
    await signIn(store, held, 1000);
    await signIn(store, kept, 1000, { passwordHash: 'hash' });
    await store.endSession('s-u-kept-1000', 1100);
    const said = await store.addChat({ room: 'lobby', user: ben, data: 'before the rename', ts: 1200 });
    await store.roomHistory('lobby', { limit: 10 });

    const rename = (name: string) => store.renameUser({ userId: 'u-ben', key: nameKey(name), name, liveAfter: 0 });
    expect(await rename('HELD')).toEqual({ ok: false, reason: 'signedIn', holder: { ...held, createdAt: 1000 } });
    expect(await rename('kept')).toEqual({ ok: false, reason: 'claimed', holder: { ...kept, createdAt: 1000 } });
    expect(await store.getUser('u-ben')).toMatchObject({ name: 'Ben' });

    expect(await rename('Benjamin')).toEqual({ ok: true, user: { ...ben, name: 'Benjamin', createdAt: 1000 } });
    expect(await store.nameHolder(nameKey('benjamin'), 0)).toMatchObject({ user: { id: 'u-ben' }, signedIn: true });
    expect(await store.nameHolder(nameKey('Ben'), 0)).toBeUndefined();
    expect((await store.roomHistory('lobby', { limit: 10 })).find((m) => m.id === said.id)?.user).toEqual({ ...ben, name: 'Benjamin' });
    expect(await store.getSession('s-u-ben-1000')).toMatchObject({ user: { name: 'Benjamin' } });
    // A guest who signed out held a name that is free now: it may be taken.
    await store.endSession('s-u-held-1000', 1300);
    expect(await rename('held')).toMatchObject({ ok: true, user: { name: 'held' } });
    // Their own name in another case is theirs to take.
    expect(await rename('HELD')).toMatchObject({ ok: true, user: { name: 'HELD' } });
  });

  it('deletes an account: sessions ended, name free, memberships gone, messages kept under "deleted user"', async () => {
    const store = await fresh();
    const cat = user('u-cat', 'Cat');
    const dan = user('u-dan', 'Dan');
    await signIn(store, cat, 1000, { passwordHash: 'hash' });
    await signIn(store, cat, 1100);
    await signIn(store, dan, 1000);
    await store.createRoom('den', 1000, 'u-cat');
    await store.addMembership('u-cat', 'den', 1000);
    const said = await store.addChat({ room: 'lobby', user: cat, data: 'words that stay', ts: 1200 });
    const dm = await store.addDm({ user: dan, to: cat, data: 'to cat', ts: 1300 });
    await store.roomHistory('lobby', { limit: 10 });

    await store.deleteUser('u-cat', 2000);
    const anonymous = { id: 'u-cat', name: DELETED_USER_NAME, image: 1, deleted: true };
    expect(await store.sessionsOf('u-cat', 0)).toEqual([]);
    expect(await store.getSession('s-u-cat-1100')).toMatchObject({ endedAt: 2000 });
    expect(await store.passwordHashOf('u-cat')).toBeUndefined();
    expect(await store.getUser('u-cat')).toMatchObject({ name: DELETED_USER_NAME, deleted: true });
    expect(await store.nameHolder(nameKey('cat'), 0)).toBeUndefined();
    expect(await store.isMember('u-cat', 'den')).toBe(false);
    expect((await store.roomHistory('lobby', { limit: 10 })).find((m) => m.id === said.id)?.user).toEqual(anonymous);
    expect((await store.dmHistory('u-dan', 'u-cat', { limit: 10 })).find((m) => m.id === dm.id)).toMatchObject({ to: anonymous });
    expect((await store.messagesSince(0, ['lobby'])).find((m) => m.id === said.id)?.user).toEqual(anonymous);
    expect(await store.conversationsOf('u-dan', 10)).toEqual([anonymous]);
    expect((await store.messagesBetween(0, said.id, 10)).find((m) => m.id === said.id)?.user).toEqual(anonymous);
    // Others are untouched; the name is anyone's now.
    expect(await store.getUser('u-dan')).toEqual({ ...dan, createdAt: 1000 });
    expect(await signIn(store, user('u-new-cat', 'cat'), 3000)).toMatchObject({ ok: true, user: { id: 'u-new-cat' } });
  });
});
