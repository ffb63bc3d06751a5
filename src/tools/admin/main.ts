/**
 * `npm run admin -- grant <name>`: the operator names the site's owners, on the store the server is
 * configured with (DATABASE_URL, else the SQLite file in DATA_DIR: the same settings as `npm start`,
 * read by the same src/config.ts). The server need not be stopped: roles are read from the store
 * on every use.
 *
 *   grant <name>    makes the account of that name an owner (it must have a password)
 *   revoke <name>   takes the owner's or moderator's role away
 *   list            prints the owners and moderators
 *
 * Each change is in the moderation log as done by the operator. Exit status: 0 done, 1 refused
 * (no such account, not an owner…) or failed, 2 for bad arguments.
 */
import { loadConfig } from '../../config.js';
import { Moderation, ModerationRefusal, type Actor } from '../../moderation/actions.js';
import { translate } from '../../shared/i18n/index.js';
import { PostgresStore } from '../../store/postgres/index.js';
import { SqliteStore } from '../../store/sqlite/index.js';
import type { Store } from '../../store/store.js';

const USAGE = 'usage: npm run admin -- grant <name> | revoke <name> | list';
const OPERATOR: Actor = { name: 'operator' };

const say = (line: string) => process.stdout.write(`${line}\n`);

function readArguments(): { command: 'grant' | 'revoke' | 'list'; name: string } {
  const [command, ...rest] = process.argv.slice(2);
  const name = rest.join(' ').trim();
  if ((command === 'grant' || command === 'revoke') && name !== '') return { command, name };
  if (command === 'list' && name === '') return { command, name };
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

async function openStore(): Promise<Store> {
  const config = loadConfig(process.env);
  if (config.databaseUrl !== undefined) return PostgresStore.open(config.databaseUrl, { searchTimeoutMs: config.searchTimeoutMs });
  return new SqliteStore(config.dataDir, { searchTimeoutMs: config.searchTimeoutMs });
}

async function run(store: Store, command: 'grant' | 'revoke' | 'list', name: string): Promise<void> {
  // Nobody else is told over a bus: every process reads roles from the store when it needs one.
  const moderation = new Moderation({ store, publish: () => {} });
  if (command === 'list') {
    const staff = await store.moderation.staff();
    if (staff.length === 0) say('no owners or moderators yet');
    for (const member of staff) say(`${member.role}\t${member.user.name}\t${member.user.id}`);
    return;
  }
  if (command === 'grant') {
    const user = await moderation.grant(OPERATOR, name, 'owner');
    say(`${user.name} is an owner`);
    return;
  }
  const role = await moderation.revoke(OPERATOR, { name });
  say(`${name} is no longer ${role === 'owner' ? 'an owner' : 'a moderator'}`);
}

async function main(): Promise<void> {
  const { command, name } = readArguments();
  const store = await openStore();
  try {
    await run(store, command, name);
  } catch (error) {
    if (!(error instanceof ModerationRefusal)) throw error;
    process.stderr.write(`${translate('en', error.key, error.params as never)}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
