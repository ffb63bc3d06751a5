// A user the upkeep removed (src/store/sqlite/sweep.ts) stays gone: their old cookies, with or
// without the session cookie, are no identity, though a cookie of ours for a user this store never
// saw (a store made anew with the same SECRET) is still taken while it is young.
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/identity/identity.js';
import { newUserId, userIdTime } from '../../src/identity/ids.js';
import { nameKey } from '../../src/shared/protocol/index.js';
import { tempDataDir } from '../helpers/server.js';
import { forgeUserCookie as forge } from '../helpers/server.js';
import { asyncStoreFixture } from '../helpers/store.js';

const SECRET = 'a-test-secret-that-is-long-enough';
const MAX_AGE = 1000;
const open = asyncStoreFixture();

describe('a swept user', () => {
  it('cannot come back with an old cookie, with or without its session', async () => {
    const store = open(tempDataDir());
    const identity = new Identity({ keys: [SECRET], store, maxAgeMs: MAX_AGE });
    const madeAt = 1_000_000;
    const user = { id: newUserId(madeAt), name: 'Gone', image: 3 };
    await store.addUser(user, madeAt);
    await store.addSession('old-session', user.id, madeAt);
    const userOnly = { headers: { cookie: forge(user, SECRET) } } as never;
    const withSession = { headers: { cookie: `${forge(user, SECRET)}; sid=old-session; sid.sig=${new Keygrip([SECRET]).sign('sid=old-session')}` } } as never;
    expect(await identity.parseUser(withSession, madeAt + 10)).toEqual(user);

    const later = madeAt + 10 * MAX_AGE;
    expect(await store.sweep(later, MAX_AGE)).toMatchObject({ users: 1 });
    expect(await store.getUser(user.id)).toBeUndefined();
    expect(await identity.parseUser(withSession, later)).toBeNull();
    expect(await identity.parseUser(userOnly, later)).toBeNull();
    expect(await store.getUser(user.id)).toBeUndefined();
  });

  it('leaves a young cookie of ours for a user this store never saw working', async () => {
    const store = open(tempDataDir());
    const identity = new Identity({ keys: [SECRET], store, maxAgeMs: MAX_AGE });
    const now = 5_000_000;
    const user = { id: newUserId(now - 10), name: 'Elsewhere', image: 1 };
    expect(await identity.parseUser({ headers: { cookie: forge(user, SECRET) } } as never, now)).toEqual(user);
  });

  it('does not take such a cookie under a name someone here holds: it signs in anew instead', async () => {
    const store = open(tempDataDir());
    const identity = new Identity({ keys: [SECRET], store, maxAgeMs: MAX_AGE });
    const now = 5_000_000;
    const holder = { id: newUserId(now - 20), name: 'Holder', image: 2 };
    const outcome = await store.signInByName({ key: nameKey('Holder'), user: holder, sessionId: 'held', at: now - 20, liveAfter: now - MAX_AGE });
    expect(outcome).toMatchObject({ ok: true });
    const lookalike = { id: newUserId(now - 10), name: 'HOLDER', image: 1 };
    expect(await identity.parseUser({ headers: { cookie: forge(lookalike, SECRET) } } as never, now)).toBeNull();
    expect(await store.getUser(lookalike.id)).toBeUndefined();
  });

  it('reads the time back from a user id, and nothing from another kind of id', () => {
    expect(userIdTime(newUserId(1_234_567_890))).toBe(1_234_567_890);
    for (const other of ['u-old', '0b0e8a0e-5a4f-4d2e-9c55-7a3f0f3e9d11', 'x'.repeat(19) + '!']) expect(userIdTime(other)).toBeUndefined();
  });
});
