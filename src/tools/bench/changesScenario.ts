// Fan-out with changes (issue 16): the fan-out's sender, but one frame in ten a reaction toggled or
// an edit of its latest message, each going to every member like a chat (framed once). Measured the
// same way, so that its CPU per delivery can be held to the fan-out's targets.
import { performance } from 'node:perf_hooks';
import { chatText, ClientGroup, type BenchClient } from './generator.js';
import { GENERATOR_BOUND, engineMetrics, meterEngines, openClients, settle, untilDoneOrStalled, Window, type RunContext, type RunResult } from './run.js';
import { deliveryMetrics } from './messageScenarios.js';

/** Frame `n` of the sender: a reaction at 5 of every 10, an edit at 9, a chat otherwise (a change needs a message first). */
function frameOf(n: number, latestId: number | undefined): string {
  if (latestId === undefined || n % 10 < 5) return chatText(n);
  if (n % 10 === 5) return `{"type":"react","id":${latestId - ((n / 10) % 3 | 0)},"emoji":"👍","ref":"${n}"}`;
  if (n % 10 === 9) return `{"type":"edit","id":${latestId},"data":"${n} edited","ref":"${n}"}`;
  return chatText(n);
}

export async function changes(ctx: RunContext): Promise<RunResult> {
  const { clients, messages, window, warmUp } = ctx.sizes.fanOut;
  const group = new ClientGroup();
  await openClients(ctx, group, clients, 'changes', ctx.sizes.handshakes);
  await settle(ctx, group);

  const sender = group.clients[0]!;
  let latestId: number | undefined;
  let delivered = 0;
  let expected = warmUp * clients;
  let completedAt = 0;
  let sent = 0;
  let upTo = warmUp;
  let changeFrames = 0;
  const answered = () => sender.chats + sender.changes;
  const pump = () => {
    while (sent < upTo && sent - answered() < window) {
      const frame = frameOf(sent, latestId);
      if (!sender.send(frame)) return;
      if (sent >= warmUp && !frame.startsWith('{"type":"chat"')) changeFrames++;
      sent++;
    }
  };
  const arrived = (client: BenchClient) => {
    if (++delivered === expected) completedAt = performance.now();
    if (client === sender) pump();
  };
  group.sink = {
    chat(client, data) {
      // The sender's own chats say which message is its latest (read only there: one client of 200).
      if (client === sender) latestId = (JSON.parse(data.toString('utf8')) as { id: number }).id;
      arrived(client);
    },
    change: arrived,
  };
  // Untimed: the same mix, until every client has every frame of it.
  pump();
  await untilDoneOrStalled(group, () => delivered >= expected, ctx.sizes.stallMs);

  delivered = 0;
  completedAt = 0;
  expected = messages * clients;
  upTo = warmUp + messages;
  const engines = await meterEngines(ctx);
  const measured = new Window(ctx.target);
  pump();
  await untilDoneOrStalled(group, () => delivered >= expected, ctx.sizes.stallMs);
  const figures = measured.stop(completedAt || performance.now());
  const engineFigures = await engineMetrics(engines, delivered, 'Delivery');

  // Every client should have had every frame of both phases, as a chat or as a change.
  const total = warmUp + messages;
  let lost = 0;
  let duplicates = 0;
  for (const client of group.clients) {
    const got = client.chats + client.changes;
    if (got < total) lost += total - got;
    else duplicates += got - total;
  }
  const notes: string[] = [];
  if (duplicates > 0) notes.push(`${duplicates} frames received twice`);
  if (group.errors > 0) notes.push(`${group.errors} error frames, e.g. ${group.errorTexts[0]}`);
  return {
    lost,
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes,
    metrics: {
      clients,
      frames: sent - warmUp,
      changeFrames,
      ...deliveryMetrics(ctx, figures, delivered),
      ...engineFigures,
      lost,
      duplicates,
    },
  };
}
