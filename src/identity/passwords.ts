// Password hashes, with scrypt as OWASP's Password Storage Cheat Sheet sets it: N = 2^17, r = 8,
// p = 1, a 16-byte random salt, a 32-byte key. Each hash is kept with its parameters
// (`scrypt$ln=17,r=8,p=1$<salt>$<key>`, base64), so that they can be raised later and the hashes
// made before still check. Hashing runs on libuv's threads (crypto.scrypt), off the event loop,
// at most two at once: each takes 128 MiB while it runs.
import crypto from 'node:crypto';

/** OWASP's minimum for scrypt: CPU/memory cost 2^17, block size 8, parallelism 1. */
export const SCRYPT = { logN: 17, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** At most this many hashes at once: 128 × N × r bytes each (128 MiB), and two of libuv's four threads. */
const AT_ONCE = 2;

interface Parameters {
  logN: number;
  r: number;
  p: number;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` once fewer than AT_ONCE others run. */
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, { logN, r, p }: Parameters, keyBytes: number): Promise<Buffer> {
  const N = 2 ** logN;
  // Node refuses more than 32 MiB unless told: what this one needs, and a little more.
  const maxmem = 128 * N * r * p + 1024 * 1024;
  return inTurn(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        crypto.scrypt(password.normalize('NFC'), salt, keyBytes, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** A new hash of the password, with a fresh salt and today's parameters. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SCRYPT.saltBytes);
  const key = await derive(password, salt, SCRYPT, SCRYPT.keyBytes);
  return `scrypt$ln=${SCRYPT.logN},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const ENCODED = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Whether the password is the one hashed, with the parameters the hash was made with; compared in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Within what this program would ever make: a hash that asks for more is not one of ours.
  if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  if (expected.length < 16 || expected.length > 64) return false;
  const key = await derive(password, salt, { logN, r, p }, expected.length);
  return crypto.timingSafeEqual(key, expected);
}
