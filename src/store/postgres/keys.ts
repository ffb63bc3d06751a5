// The keys that sign identity cookies when SECRET is not set, kept in the database so that every
// process signs and verifies alike: the first process to start puts its newly made key there, and
// every process (that one too) then uses whatever the row holds.
import type { Queryable } from './pool.js';

const SQL = {
  offer: 'INSERT INTO signing_keys (one, keys) VALUES (1, $1) ON CONFLICT (one) DO NOTHING',
  read: 'SELECT keys FROM signing_keys WHERE one = 1',
};

/** The keys kept, as written (comma- or newline-separated); `candidate` becomes them when there are none yet. */
export async function keptKeys(db: Queryable, candidate: string): Promise<string> {
  await db.query(SQL.offer, [candidate]);
  const { rows } = await db.query<{ keys: string }>(SQL.read);
  return rows[0]?.keys ?? '';
}
