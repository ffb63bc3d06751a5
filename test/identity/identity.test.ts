// The identity of a request (src/identity/identity.ts) against a real store: a session past its
// age is no identity, and ending one session of a user leaves their others signed in.
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/identity/identity.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { forgeUserCookie as forge, tempDataDir } from '../helpers/server.js';

const SECRET = 'a-test-secret-that-is-long-enough';

describe('sessions', async () => {
  it('expires: past SESSION_DAYS the cookie is no identity even if the browser kept it', async () => {
    const store = new SqliteStore(tempDataDir());
    const identity = new Identity({ keys: [SECRET], store, maxAgeMs: 1000 });
    const user = { id: 'u-old', name: 'Old', image: 1 };
    await store.addUser(user, 5_000);
    await store.addSession('session-old', user.id, 5_000);
    const sid = `sid=session-old; sid.sig=${new Keygrip([SECRET]).sign('sid=session-old')}`;
    const req = { headers: { cookie: `${forge(user, SECRET)}; ${sid}` } } as never;
    expect(await identity.parseUser(req, 5_500)).toEqual(user);
    expect(await identity.parseUser(req, 6_000)).toBeNull();
    await store.close();
  });

  it('signing out in one browser leaves another session of the same user signed in', async () => {
    const store = new SqliteStore(tempDataDir());
    const identity = new Identity({ keys: [SECRET], store, maxAgeMs: 60_000 });
    const user = { id: 'u-two', name: 'Two', image: 2 };
    await store.addUser(user, Date.now());
    const cookieFor = async (id: string) => {
      await store.addSession(id, user.id, Date.now());
      return `${forge(user, SECRET)}; sid=${id}; sid.sig=${new Keygrip([SECRET]).sign(`sid=${id}`)}`;
    };
    const laptop = { headers: { cookie: await cookieFor('laptop') } } as never;
    const phone = { headers: { cookie: await cookieFor('phone') } } as never;
    await store.endSession('laptop', Date.now());
    expect(await identity.parseUser(laptop)).toBeNull();
    expect(await identity.parseUser(phone)).toEqual(user);
    await store.endSessionsOf(user.id, Date.now());
    expect(await identity.parseUser(phone)).toBeNull();
    await store.close();
  });
});
