// Redis traffic per message, on a cluster: the same number of chats sent with a few clients in
// the lobby and then with many (spread over the processes), each time counting the PUBLISHes on
// the run's channels (a PSUBSCRIBE to its prefix; INFO's cmdstat_publish beside it, which counts
// every client of the Redis) against the messages stored (message_ids before and after). At most
// one publish per message (one per turn of a process's events), whatever the number of recipients,
// and every stored message carried exactly once, is the design (src/bus/redis.ts).
import { performance } from 'node:perf_hooks';
import { until } from '../kit/wait.js';
import { committedLastId, redisCounters } from './engines.js';
import { chatText, ClientGroup, connectAll, type BenchClient } from './generator.js';
import { PublishWatch } from './publishWatch.js';
import { clientOptions, settle, untilDoneOrStalled, wsUrlOf, type RunContext, type RunResult } from './run.js';
import type { TargetEngines } from './targets.js';

/** Chats unanswered at a time, as in fan-out. */
const WINDOW = 32;

interface Phase {
  recipients: number;
  stored: number;
  /** Publishes on the run's channels, all of them and those carrying a stored message. */
  publishes: number;
  messagePublishes: number;
  /** Stored messages the publishes carried (each must be carried once). */
  carried: number;
  /** cmdstat_publish's calls over the same stretch: every client of the Redis. */
  publishCalls: number;
  lost: number;
}

/** Sends `messages` chats from the first client with everyone in the lobby, and counts what Redis carried for them. */
async function phase(ctx: RunContext, engines: TargetEngines, group: ClientGroup, watch: PublishWatch, messages: number): Promise<Phase> {
  await settle(ctx, group);
  const recipients = group.clients.length;
  const sender = group.clients[0]!;
  const echoedBefore = sender.chats;
  const lastBefore = await committedLastId(engines.databaseUrl);
  const callsBefore = (await redisCounters(engines.redisUrl)).publishes;
  watch.take();

  let sent = 0;
  let delivered = 0;
  const pump = () => {
    while (sent < messages && sent - (sender.chats - echoedBefore) < WINDOW) {
      if (!sender.send(chatText(sent))) return;
      sent++;
    }
  };
  group.sink = {
    chat(client: BenchClient) {
      delivered++;
      if (client === sender) pump();
    },
  };
  pump();
  await untilDoneOrStalled(group, () => delivered >= messages * recipients, ctx.sizes.stallMs);
  // Every publish was made before its deliveries; the watch's own subscription may be a moment behind.
  await until(() => watch.messages >= messages, 2000, 10);
  const counts = watch.take();
  const calls = (await redisCounters(engines.redisUrl)).publishes - callsBefore;
  const stored = (await committedLastId(engines.databaseUrl)) - lastBefore;
  return {
    recipients,
    stored,
    publishes: counts.total,
    messagePublishes: counts.carrying,
    carried: counts.messages,
    publishCalls: calls,
    lost: Math.max(0, messages * recipients - delivered),
  };
}

export async function publishes(ctx: RunContext): Promise<RunResult> {
  const engines = ctx.target.engines;
  if (!engines) throw new Error('publishes runs on a cluster target only');
  const { few, many, messages } = ctx.sizes.publishes;
  const watch = await PublishWatch.start(engines.redisUrl, engines.redisPrefix);
  ctx.cleanups.push(() => watch.stop());
  const group = new ClientGroup();
  ctx.cleanups.push(() => group.closeAll());
  const spread = wsUrlOf(ctx.target);
  const began = performance.now();

  group.expectedUsers = few;
  await connectAll(group, few, spread, await clientOptions(ctx.target, few, 'few'), ctx.sizes.handshakes);
  const small = await phase(ctx, engines, group, watch, messages);

  const more = many - few;
  const optionsOf = await clientOptions(ctx.target, more, 'many');
  group.expectedUsers = many;
  await connectAll(group, more, (i) => spread(few + i), optionsOf, ctx.sizes.handshakes);
  const large = await phase(ctx, engines, group, watch, messages);

  const notes: string[] = [];
  if (watch.channels.size !== 1) notes.push(`publishes seen on ${watch.channels.size} channels: ${[...watch.channels].join(', ')}`);
  for (const p of [small, large]) {
    if (p.publishCalls > p.publishes) notes.push(`with ${p.recipients} recipients Redis counted ${p.publishCalls - p.publishes} publishes of other clients too (cmdstat_publish)`);
  }
  const problems = [small, large].filter((p) => p.stored !== messages).map((p) => `with ${p.recipients} recipients ${p.stored} messages were stored for ${messages} sent`);
  return {
    lost: small.lost + large.lost,
    ...(problems.length > 0 ? { failure: problems.join('; ') } : {}),
    generatorBound: false,
    notes,
    metrics: {
      messages,
      wallMs: performance.now() - began,
      recipientsFew: small.recipients,
      recipientsMany: large.recipients,
      storedFew: small.stored,
      storedMany: large.stored,
      publishesPerMessageFew: small.publishes / small.stored,
      publishesPerMessageMany: large.publishes / large.stored,
      messagePublishesPerMessageFew: small.messagePublishes / small.stored,
      messagePublishesPerMessageMany: large.messagePublishes / large.stored,
      carriedPerMessageFew: small.carried / small.stored,
      carriedPerMessageMany: large.carried / large.stored,
      publishCallsPerMessageFew: small.publishCalls / small.stored,
      publishCallsPerMessageMany: large.publishCalls / large.stored,
    },
  };
}
