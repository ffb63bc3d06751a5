// The identity cookies as bytes: reading a value the `cookies` package signed (one HMAC per key,
// compared in constant time), and the `user` cookie's base64 JSON both ways.
import crypto from 'node:crypto';
import type Cookies from 'cookies';
import { codePointLength, MAX_NAME_LENGTH, type User } from '../shared/protocol/index.js';

const cookiePatterns = new Map<string, RegExp>();

/** A cookie's value as the `cookies` package reads it: the first `name=`, surrounding quotes dropped. */
function cookieValue(header: string, name: string): string | undefined {
  let pattern = cookiePatterns.get(name);
  if (!pattern) cookiePatterns.set(name, (pattern = new RegExp(`(?:^|;) *${name.replace(/[.]/g, '\\.')}=([^;]*)`)));
  const value = pattern.exec(header)?.[1];
  return value?.[0] === '"' ? value.slice(1, -1) : value;
}

/**
 * The value of a cookie the `cookies` package signed (`name.sig` is keygrip's HMAC-SHA1 of
 * `name=value`, base64url) with one of `keys`, else undefined. One HMAC per key and a
 * constant-time compare: every upgrade runs this twice, and `cookies` spends three HMACs and a
 * fresh random key (tsscmp) per check.
 */
export function readSignedCookie(header: string, name: string, keys: readonly string[]): string | undefined {
  const value = cookieValue(header, name);
  const signature = cookieValue(header, `${name}.sig`);
  if (!value || !signature) return undefined;
  const given = Buffer.from(signature);
  for (const key of keys) {
    const expected = Buffer.from(crypto.createHmac('sha1', key).update(`${name}=${value}`).digest('base64url'));
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) return value;
  }
  return undefined;
}

export function cookieAttributes(secure: boolean): Cookies.SetOption {
  return { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure };
}

export function encodeUser(user: User): string {
  return Buffer.from(JSON.stringify({ id: user.id, name: user.name, image: user.image }), 'utf8').toString('base64');
}

export function decodeUser(value: string): User | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { id, name, image } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) return null;
  // Only its shape: the name shown is the store's (a name from before today's rules, or one the
  // migration gave a suffix, is still someone's).
  if (typeof name !== 'string' || name.length === 0 || codePointLength(name) > MAX_NAME_LENGTH) return null;
  if (typeof image !== 'number' || !Number.isInteger(image)) return null;
  return { id, name, image };
}
