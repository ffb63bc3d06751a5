import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { splitKeys } from '../config.js';

const SECRET_FILE = 'secret';

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
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const keys = splitKeys(fs.readFileSync(file, 'utf8'));
  if (keys.length === 0 || keys.some((key) => key.length < 16)) {
    throw new Error(`${file} holds no usable secret: delete it to have a new one made`);
  }
  return keys;
}
