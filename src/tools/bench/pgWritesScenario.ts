// PostgreSQL's group commit under many senders, through the product on one process and on two:
// each sender alone in a room of its own (every message stored, and delivered once: its echo),
// keeping `window` chats unanswered, for `seconds` after an untimed warm-up. The figure is the
// messages committed per second, read from message_ids before and after; every chat sent must
// come back and be stored once.
import { performance } from 'node:perf_hooks';
import { PEOPLE_LAZY, PRESENCE_BATCH } from '../../shared/protocol/index.js';
import { keepAlive, request, signInMany } from '../kit/http.js';
import { pool, range, sleep, until } from '../kit/wait.js';
import { committedLastId } from './engines.js';
import { seqOf } from './frameReading.js';
import { chatText, ClientGroup, connectAll, type BenchClient } from './generator.js';
import { engineMetrics, GENERATOR_BOUND, meterEngines, peakRss, settle, untilDoneOrStalled, Window, wsUrlOf, type RunContext, type RunResult } from './run.js';
import { latencySummary, Samples } from './stats.js';

/** Each sender in a room of its own, made through the product (`POST /rooms`) and joined over its socket. */
async function openSenders(ctx: RunContext, senders: number): Promise<{ group: ClientGroup; rooms: string[] }> {
  const { target } = ctx;
  const accounts = await signInMany(target.url, senders, 'writer');
  const rooms = accounts.map((_, i) => `writers-${i}`);
  const agent = keepAlive(16);
  ctx.cleanups.push(() => agent.destroy());
  await pool(range(senders), 16, async (i) => {
    const base = target.processes[i % target.processes.length]!.url;
    const answer = await request(base, 'POST', '/rooms', { agent, cookie: accounts[i]!.cookie, body: { name: rooms[i] } });
    if (answer.status !== 201) throw new Error(`POST /rooms answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  });

  const group = new ClientGroup();
  group.expectedUsers = senders;
  ctx.cleanups.push(() => group.closeAll());
  const query = { presence: PRESENCE_BATCH, people: PEOPLE_LAZY };
  await connectAll(group, senders, wsUrlOf(target), (i) => ({ cookie: accounts[i]!.cookie, query }), ctx.sizes.handshakes);
  await settle(ctx, group);

  // A join is answered with the room's history page (empty), then its list.
  let joined = 0;
  group.sink = { history: () => joined++ };
  group.clients.forEach((client, i) => client.send(JSON.stringify({ type: 'join', room: rooms[i] })));
  if (!(await until(() => joined >= senders, 30_000))) {
    throw new Error(`${senders - joined} senders did not get into their rooms${group.errors > 0 ? `: ${group.errorTexts[0]}` : ''}`);
  }
  return { group, rooms };
}

export async function pgWrites(ctx: RunContext): Promise<RunResult> {
  const engines = ctx.target.engines;
  if (!engines) throw new Error('pg-writes runs on a cluster target only');
  const { senders, window, warmUpSeconds, seconds } = ctx.sizes.pgWrites;
  const { group, rooms } = await openSenders(ctx, senders);

  const indexOf = new Map<BenchClient, number>(group.clients.map((client, i) => [client, i]));
  const sentBy = new Int32Array(senders);
  /** When each chat was sent, by its number (the start of its text). */
  const sentAt = new Samples(1 << 16);
  const latencies = new Samples(1 << 16);
  let sending = true;
  let timing = false;
  let echoes = 0;
  const send = (i: number) => {
    const seq = sentAt.length;
    sentAt.push(performance.now());
    if (group.clients[i]!.send(chatText(seq, rooms[i]))) sentBy[i]!++;
  };
  group.sink = {
    chat(client, data) {
      echoes++;
      if (timing) latencies.push(performance.now() - sentAt.at(seqOf(data)));
      const i = indexOf.get(client)!;
      if (sending && sentBy[i]! - client.chats < window) send(i);
    },
  };

  const lastAtStart = await committedLastId(engines.databaseUrl);
  for (let i = 0; i < senders; i++) for (let w = 0; w < window; w++) send(i);
  await sleep(warmUpSeconds * 1000);

  const meter = await meterEngines(ctx);
  const lastBefore = await committedLastId(engines.databaseUrl);
  const measured = new Window(ctx.target);
  timing = true;
  await sleep(seconds * 1000);
  const lastAfter = await committedLastId(engines.databaseUrl);
  timing = false;
  const figures = measured.stop();
  const stored = lastAfter - lastBefore;
  const engineFigures = await engineMetrics(meter, stored, 'Message');

  sending = false;
  const sent = sentBy.reduce((sum, n) => sum + n, 0);
  await untilDoneOrStalled(group, () => echoes >= sent, ctx.sizes.stallMs);
  const storedInAll = (await committedLastId(engines.databaseUrl)) - lastAtStart;
  const latency = latencySummary(latencies.values());

  const problems: string[] = [];
  if (storedInAll !== sent) problems.push(`${storedInAll} messages stored for ${sent} sent`);
  if (group.errors > 0) problems.push(`${group.errors} error frames, e.g. ${group.errorTexts[0]}`);
  const closed = group.clients.filter((client) => client.closed).length;
  if (closed > 0) problems.push(`${closed} senders were closed, e.g. ${JSON.stringify(group.clients.find((c) => c.closed)?.closed)}`);
  return {
    lost: Math.max(0, sent - echoes),
    ...(problems.length > 0 ? { failure: problems.join('; ') } : {}),
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes: echoes > sent ? [`${echoes - sent} chats came back twice`] : [],
    metrics: {
      senders,
      processes: ctx.target.processes.length,
      window,
      sent,
      stored,
      storedPerSecond: stored / (figures.wallMs / 1000),
      serverCpuUsPerMessage: figures.serverCpuUs / stored,
      ...engineFigures,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      maxMs: latency.max,
      generatorCpuShare: figures.generatorShare,
      wallMs: figures.wallMs,
      peakRssBytes: peakRss(ctx),
      lost: Math.max(0, sent - echoes),
    },
  };
}
