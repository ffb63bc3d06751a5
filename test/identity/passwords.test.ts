// Password hashes (src/identity/passwords.ts): scrypt at OWASP's parameters, kept with them and a
// fresh salt, checked with the parameters a hash was made with (so raising them later locks nobody
// out), and nothing but a hash of ours accepted.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT, verifyPassword } from '../../src/identity/passwords.js';

describe('password hashes', () => {
  it('are scrypt with N = 2^17, r = 8, p = 1, a 16-byte salt, never the password, and a new salt each time', async () => {
    const [one, two] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(one).toMatch(/^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('correct horse');
    expect(SCRYPT).toMatchObject({ logN: 17, r: 8, p: 1 });
  });

  it('check the right password, and no other (nor the same in another normalization form)', async () => {
    const hash = await hashPassword('Pässword 1');
    expect(await verifyPassword('Pässword 1', hash)).toBe(true);
    // Composed or decomposed, one password (NFC either way).
    expect(await verifyPassword('Pa\u0308ssword 1', hash)).toBe(true);
    expect(await verifyPassword('Password 1', hash)).toBe(false);
    expect(await verifyPassword('Pässword 1 ', hash)).toBe(false);
  });

  it('check a hash made with other parameters by those parameters (so they can be raised later)', async () => {
    const salt = crypto.randomBytes(16);
    const key = crypto.scryptSync('older hash', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const older = `scrypt$ln=14,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('older hash', older)).toBe(true);
    expect(await verifyPassword('other', older)).toBe(false);
  });

  it('refuse anything that is not a hash of ours, without trying it', async () => {
    for (const bad of ['', 'plain text', 'scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'bcrypt$x$y$z']) {
      expect(await verifyPassword('anything', bad), bad).toBe(false);
    }
  });
});
