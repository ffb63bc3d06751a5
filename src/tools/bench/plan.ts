// Which scenarios run on which targets: those asked for (--only), each on its targets as far as
// --targets allows, less the cluster targets when PostgreSQL or Redis cannot be reached (skipped,
// with the reason printed: a machine without them still runs everything else).
import type { Options } from './args.js';
import { enginesUnreachable } from './engines.js';
import { SCENARIO_LIST, type Scenario } from './scenarios.js';
import { isCluster, type TargetName } from './targets.js';

export interface Planned {
  scenario: Scenario;
  targets: TargetName[];
}

export interface Plan {
  planned: Planned[];
  /** Why the cluster targets were left out, when they were. */
  skipped?: string;
}

/** The targets of one scenario as asked: its own, or those of --targets it applies to (its `alsoOn` among them). */
function targetsOf(scenario: Scenario, asked: readonly TargetName[] | undefined): TargetName[] {
  if (asked === undefined) return [...scenario.targets];
  return [...scenario.targets, ...(scenario.alsoOn ?? [])].filter((target) => asked.includes(target));
}

export async function planRuns(options: Pick<Options, 'only' | 'targets' | 'engines'>): Promise<Plan> {
  let planned = SCENARIO_LIST.filter((scenario) => options.only === undefined || options.only.includes(scenario.name))
    .map((scenario) => ({ scenario, targets: targetsOf(scenario, options.targets) }))
    .filter((entry) => entry.targets.length > 0);
  if (!planned.some((entry) => entry.targets.some(isCluster))) return { planned };

  const reason = await enginesUnreachable(options.engines);
  if (reason === undefined) return { planned };
  const clusterOnly = planned.filter((entry) => entry.targets.every(isCluster)).map((entry) => entry.scenario.name);
  planned = planned.map((entry) => ({ ...entry, targets: entry.targets.filter((target) => !isCluster(target)) })).filter((entry) => entry.targets.length > 0);
  const also = clusterOnly.length > 0 ? `, and with them ${clusterOnly.join(', ')},` : '';
  return { planned, skipped: `the cluster targets${also} are skipped: ${reason}` };
}
