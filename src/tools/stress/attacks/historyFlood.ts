// History flood: one user's tabs asking for the lobby's history, 100 messages a page from a random
// point, as fast as they can: each page let through is a read of the store.
import { MAX_HISTORY_LIMIT } from '../../../shared/protocol/index.js';
import type { Context, Outcome } from '../attack.js';
import { mb, random, seconds } from '../format.js';
import { describeFlood, floodFrames } from '../frameFlood.js';
import { signInMany } from '../users.js';

export async function historyFlood(context: Context): Promise<Outcome> {
  const { frameFloodTabs: tabs, frameFloodMs: ms } = context.sizes;
  const [reader] = await signInMany(context, 1, 'historian');
  if (!reader) throw new Error('no historian');
  const newest = Math.max(...context.pair.members.map((member) => member.lastSeen));
  const next = random(context.seed);
  let pages = 0;
  const flood = await floodFrames(context, reader, {
    tabs,
    ms,
    frame: () => ({ type: 'history', room: 'lobby', limit: MAX_HISTORY_LIMIT, before: 1 + Math.floor(next() * newest) }),
    onMessage: (message) => {
      if (message.type === 'history') pages++;
    },
  });
  return {
    tried: `${flood.sent.toLocaleString('en')} history requests (${MAX_HISTORY_LIMIT} a page, before a random id up to ${newest.toLocaleString('en')}) from 1 user in ${tabs} tabs for ${seconds(ms)}`,
    happened: `${pages} pages answered (${mb(flood.bytes)} to the attacker), ${describeFlood(flood)}`,
  };
}
