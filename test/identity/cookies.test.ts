// Reading a signed cookie (src/identity/cookies.ts), which every page and every upgrade does: what
// the `cookies` package signed is taken with any of the keys, and nothing altered or misplaced is.
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { readSignedCookie } from '../../src/identity/cookies.js';

describe('reading a signed cookie (every page and every upgrade does it)', () => {
  const keys = ['new-key-new-key', 'old-key-old-key'];
  const signed = (name: string, value: string, key: string) => `${name}=${value}; ${name}.sig=${new Keygrip([key]).sign(`${name}=${value}`)}`;

  it('accepts what the cookies package signed, with any of the keys, wherever the cookie stands', () => {
    expect(readSignedCookie(signed('user', 'abc+/=', keys[0]!), 'user', keys)).toBe('abc+/=');
    expect(readSignedCookie(signed('user', 'abc', keys[1]!), 'user', keys)).toBe('abc');
    expect(readSignedCookie(`theme=dark; ${signed('sid', 'S1', keys[0]!)}; lang=en`, 'sid', keys)).toBe('S1');
    // A quoted value is signed without its quotes, as `cookies` reads it.
    const quoted = `a=1;user="q"; user.sig=${new Keygrip([keys[0]!]).sign('user=q')}`;
    expect(readSignedCookie(quoted, 'user', keys)).toBe('q');
  });

  it('refuses a changed value, a changed or cut signature, another key, another name\'s signature', () => {
    const good = signed('user', 'abc', keys[0]!);
    const sig = /user\.sig=([^;]+)/.exec(good)![1]!;
    expect(readSignedCookie(good.replace('user=abc', 'user=abd'), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(good.replace(sig, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(good.replace(sig, sig.slice(0, -1)), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(good.replace(sig, `${sig}=`), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(good.replace(sig, `${sig}é`), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(signed('user', 'abc', 'a-forger-key'), 'user', keys)).toBeUndefined();
    expect(readSignedCookie(signed('sid', 'abc', keys[0]!).replace(/sid/g, 'user'), 'user', keys)).toBeUndefined();
    expect(readSignedCookie('user=abc', 'user', keys)).toBeUndefined();
    expect(readSignedCookie(good, 'sid', keys)).toBeUndefined();
  });

  it('does not take `xuser` or `user.sig` for `user`', () => {
    const sig = new Keygrip([keys[0]!]).sign('user=abc');
    expect(readSignedCookie(`xuser=abc; user.sig=${sig}`, 'user', keys)).toBeUndefined();
    expect(readSignedCookie(`user.sig=${sig}; user=abc`, 'user', keys)).toBe('abc');
  });
});
