// What `npm run bench -- …` was asked for: rounds, sizes, which scenarios and targets, where the
// results go, and where the cluster targets find PostgreSQL and Redis.
import path from 'node:path';
import { ROOT_DIR } from '../../paths.js';
import { DEFAULT_ENGINES, type EngineUrls } from './engines.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import { TARGETS, type TargetName } from './targets.js';

export interface Options {
  smoke: boolean;
  rounds: number;
  only: ScenarioName[] | undefined;
  targets: TargetName[] | undefined;
  out: string;
  engines: EngineUrls;
}

/**
 * Rounds of a full run. A p99 over 10 s on two shared cores moves by a fifth from round to round
 * whatever the server does; the median of five keeps one unlucky round from deciding a target.
 */
const DEFAULT_ROUNDS = 5;

export const USAGE = `usage: node build/tools/bench/main.js [--smoke] [--rounds N] [--only SCENARIO,…] [--targets TARGET,…] [--out DIR]
                                   [--postgres URL] [--redis URL]
  scenarios: ${SCENARIOS.join(', ')}
  targets:   ${TARGETS.join(', ')}
  --postgres URL  a PostgreSQL on which the cluster targets make (and drop) a database each run (default ${DEFAULT_ENGINES.postgres})
  --redis URL     the Redis they share, under a key prefix of each run's own (default ${DEFAULT_ENGINES.redis})`;

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** A comma-separated list, each item one of `allowed`. */
function listOf<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) usage(`${flag}: no ${flag === '--only' ? 'scenario' : 'target'} "${item}"`);
  if (items.length === 0) usage(`${flag} needs at least one name`);
  return items as T[];
}

export function parseArgs(argv: string[]): Options {
  const options: Options = {
    smoke: false,
    rounds: DEFAULT_ROUNDS,
    only: undefined,
    targets: undefined,
    out: path.join(ROOT_DIR, 'bench-results'),
    engines: { ...DEFAULT_ENGINES },
  };
  let roundsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const at = arg.indexOf('=');
    const name = at > 0 ? arg.slice(0, at) : arg;
    const inline = at > 0 ? arg.slice(at + 1) : undefined;
    const value = () => inline ?? argv[++i] ?? usage(`${name} needs a value`);
    if (name === '--smoke') options.smoke = true;
    else if (name === '--rounds') {
      options.rounds = Number(value());
      roundsGiven = true;
    } else if (name === '--only') options.only = listOf(name, value(), SCENARIOS);
    else if (name === '--targets') options.targets = listOf(name, value(), TARGETS);
    else if (name === '--out') options.out = path.resolve(value());
    else if (name === '--postgres') options.engines.postgres = value();
    else if (name === '--redis') options.engines.redis = value();
    else if (name === '--help' || name === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown argument: ${arg}`);
  }
  // The smoke run is one round unless told otherwise.
  if (options.smoke && !roundsGiven) options.rounds = 1;
  if (!Number.isInteger(options.rounds) || options.rounds < 1 || options.rounds > 100) usage('--rounds must be a whole number from 1 to 100');
  return options;
}
