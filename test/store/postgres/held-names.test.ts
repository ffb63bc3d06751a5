// Held names on PostgreSQL with several processes (src/store/postgres/sessions.ts): two stores on
// one database, as two processes are, signing the same name in at the same moment, again and again:
// each time exactly one of them holds it, and the other is refused naming that one. Without the
// name's lock both would read "free" and the second would fail on the primary key (or, after a
// guest's sign-out, both would take it).
import { describe, expect, it } from 'vitest';
import { nameKey } from '../../../src/shared/protocol/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import type { NameSignInOutcome } from '../../../src/store/store.js';
import { createTestDatabase, postgresForTests } from '../../helpers/postgres.js';

describe.skipIf(!(await postgresForTests()))('held names across processes', () => {
  it('of two processes signing one name in at once, one holds it and the other is told who does', async () => {
    const database = await createTestDatabase();
    const [one, two] = await Promise.all([PostgresStore.open(database.url), PostgresStore.open(database.url)]);
    try {
      for (let round = 0; round < 20; round++) {
        const name = round % 2 ? 'Racer' : 'racer';
        const at = 1000 + round;
        const attempt = (store: PostgresStore, id: string) =>
          store.signInByName({ key: nameKey(name), user: { id, name, image: 0 }, sessionId: `s-${id}`, at, liveAfter: 0 });
        const outcomes: NameSignInOutcome[] = await Promise.all([attempt(one!, `one-${round}`), attempt(two!, `two-${round}`)]);
        const won = outcomes.filter((outcome) => outcome.ok);
        expect(won, `round ${round}`).toHaveLength(1);
        const lost = outcomes.find((outcome) => !outcome.ok);
        expect(lost).toEqual({ ok: false, reason: 'signedIn', holder: won[0]!.ok ? won[0]!.user : undefined });
        expect((await one!.nameHolder(nameKey(name), 0))?.user.id).toBe(won[0]!.ok ? won[0]!.user.id : '');
        // Signed out: the name is free again, and the next race for it has one winner too.
        if (won[0]!.ok) await one!.endSessionsOf(won[0]!.user.id, at);
      }
    } finally {
      await Promise.all([one!.close(), two!.close()]);
      await database.drop();
    }
  });
});
