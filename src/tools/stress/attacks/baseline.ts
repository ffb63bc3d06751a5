// The baseline: the pair alone, nothing else.
import { sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { seconds } from '../format.js';

export async function baseline(context: Context): Promise<Outcome> {
  await sleep(context.sizes.baselineMs);
  return { tried: `the pair alone for ${seconds(context.sizes.baselineMs)}`, happened: 'nothing else' };
}
