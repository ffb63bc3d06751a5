// `npm run admin` as an operator runs it, built: on the store the server is configured with (the
// SQLite file of DATA_DIR, and PostgreSQL with DATABASE_URL) while the server runs, it makes an
// account an owner (who then sees the moderation page at once), lists owners and moderators, takes
// a role away, refuses a guest or an unknown name (exit 1, the reason), and bad arguments (exit 2).
// Each change is in the moderation log as the operator's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { signIn, signInWithPassword, startTestServer, tempDataDir, type SignedIn, type TestServer } from '../helpers/server.js';
import { expectBuilt, runTool } from '../helpers/tool.js';

const PASSWORD = 'an operator password';

const account = (server: TestServer, name: string): Promise<SignedIn> => signInWithPassword(server.url, name, PASSWORD);

const moderationPage = async (server: TestServer, who: SignedIn) =>
  (await fetch(`${server.url}/moderation`, { headers: { cookie: who.cookie }, redirect: 'manual' })).status;

function operatorRuns(engine: 'sqlite' | 'postgres') {
  let server: TestServer;
  let database: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    expectBuilt('admin');
    const dataDir = tempDataDir();
    database = engine === 'postgres' ? await createTestDatabase() : undefined;
    const settings: Record<string, string> = database ? { DATABASE_URL: database.url } : {};
    server = await startTestServer(settings, dataDir);
    // The tool reads the same settings as the server: here, its data folder or its database.
    env = { PATH: process.env.PATH, DATA_DIR: dataDir, ...settings };
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('grants, lists and revokes roles on the running site, and refuses what it cannot do', async () => {
    const first = await account(server, 'First Account');
    const second = await account(server, 'Second Account');
    const guest = await signIn(server.url, 'Just A Guest');
    expect(await moderationPage(server, second)).toBe(403);

    const granted = await runTool('admin', ['grant', 'second', 'account'], env);
    expect(granted).toMatchObject({ code: 0, stdout: 'Second Account is an owner\n' });
    expect(await moderationPage(server, second)).toBe(200);

    const listed = await runTool('admin', ['list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`owner\tFirst Account\t${first.user.id}\nowner\tSecond Account\t${second.user.id}\n`);

    expect(await runTool('admin', ['grant', guest.user.name], env)).toMatchObject({
      code: 1,
      stderr: `“${guest.user.name}” has no password: only accounts can be moderators\n`,
    });
    expect(await runTool('admin', ['grant', 'Nobody Here'], env)).toMatchObject({ code: 1, stderr: 'There is nobody called “Nobody Here”\n' });

    expect(await runTool('admin', ['revoke', 'Second Account'], env)).toMatchObject({ code: 0, stdout: 'Second Account is no longer an owner\n' });
    expect(await moderationPage(server, second)).toBe(403);
    expect((await runTool('admin', ['revoke', 'Second Account'], env)).code).toBe(1);

    // The log says the operator did it.
    const log = await (await fetch(`${server.url}/moderation?lang=en`, { headers: { cookie: first.cookie } })).text();
    expect(log).toContain('the operator');
    expect(log).toContain('data-action="grant_owner"');
    expect(log).toContain('data-action="revoke_owner"');
  });

  it('says how to use it', async () => {
    for (const args of [[], ['grant'], ['list', 'extra'], ['promote', 'x']]) {
      const run = await runTool('admin', args, env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: npm run admin -- grant <name> | revoke <name> | list');
    }
  });
}

describe('npm run admin on SQLite', () => operatorRuns('sqlite'));
describe.skipIf(!(await postgresForTests()))('npm run admin on PostgreSQL', () => operatorRuns('postgres'));
