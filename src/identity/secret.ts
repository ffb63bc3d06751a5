import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { splitKeys } from '../config.js';

const SECRET_FILE = 'secret';

/** A new signing key, for when none is configured or kept yet. */
const newKey = () => crypto.randomBytes(32).toString('hex');

/** The keys of what was kept (`where` says where, for the error), each long enough to sign with. */
function usableKeys(kept: string, where: string, remedy: string): string[] {
  const keys = splitKeys(kept);
  if (keys.length === 0 || keys.some((key) => key.length < 16)) throw new Error(`${where} holds no usable secret: ${remedy}`);
  return keys;
}

/**
 * The keys that sign identity cookies: the configured ones, else one made on first start and
 * kept in the data folder, so a restart does not sign everybody out. To rotate, put the new key
 * first (in SECRET or on the file's first line): it signs from then on, while the old ones still
 * verify the cookies already out there until they are removed.
 */
export function loadSecret(dataDir: string, configured: string | undefined): string[] {
  if (configured) return splitKeys(configured);
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SECRET_FILE);
  try {
    fs.writeFileSync(file, newKey(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return usableKeys(fs.readFileSync(file, 'utf8'), file, 'delete it to have a new one made');
}

/**
 * The same for processes that share a database (PostgreSQL): the configured keys, else those the
 * database keeps (`keep` offers a new key and answers with what is kept, the first offer winning),
 * so that every process signs and verifies alike. Rotating is the same, in the kept row.
 */
export async function loadSharedSecret(configured: string | undefined, keep: (candidate: string) => Promise<string>): Promise<string[]> {
  if (configured) return splitKeys(configured);
  return usableKeys(await keep(newKey()), 'the database (table signing_keys)', 'delete its row to have a new one made');
}
