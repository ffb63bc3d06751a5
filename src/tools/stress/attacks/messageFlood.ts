// Message flood: one user in several tabs sending as fast as it can.
import type { ServerMessage } from '../../../shared/protocol/index.js';
import { range, sleep, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, tally } from '../format.js';
import { connect, signInMany } from '../users.js';

export async function messageFlood(context: Context): Promise<Outcome> {
  const { floodTabs, floodPerTab } = context.sizes;
  const [flooder] = await signInMany(context, 1, 'flooder');
  if (!flooder) throw new Error('no flooder');
  let accepted = 0;
  let limited = 0;
  let answered = 0;
  const otherErrors = new Map<string, number>();
  const onMessage = (message: ServerMessage) => {
    if (message.type === 'chat' && message.ref !== undefined) {
      accepted++;
      answered++;
    } else if (message.type === 'error') {
      answered++;
      if (message.data.code === 'rate_limited') limited++;
      else count(otherErrors, message.data.code);
    }
  };
  const tabs = await Promise.all(range(floodTabs).map(() => connect(context.target, flooder, { greeted: true, onMessage })));
  const closes = new Map<string | number, number>();
  for (const tab of tabs) void tab.closed.then((closed) => count(closes, closed.code));
  const total = floodTabs * floodPerTab;
  for (let i = 0; i < floodPerTab; i++) {
    tabs.forEach((tab, t) => tab.send({ type: 'chat', room: 'lobby', data: `flood ${t}.${i}`, ref: `f${t}.${i}` }));
  }
  await until(() => tabs.every((tab) => !tab.isOpen) || answered >= total, context.sizes.attackMs / 2);
  await sleep(300);
  const seen = context.pair.a.watch.chatsFrom.get(flooder.user.id) ?? 0;
  const closed1008 = closes.get(1008) ?? 0;
  for (const tab of tabs) tab.terminate();
  return {
    tried: `${total} chats from 1 user in ${floodTabs} tabs, all at once`,
    happened:
      `${accepted} accepted, ${limited} rate_limited, ${closed1008}/${floodTabs} tabs closed 1008` +
      `${otherErrors.size ? `, other errors ${tally(otherErrors)}` : ''}; the pair saw ${seen} of them`,
  };
}
