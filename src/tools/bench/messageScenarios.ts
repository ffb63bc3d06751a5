// The scenarios that move chat messages: fan-out (as fast as a window allows), latency (one
// paced sender, many readers) and many senders (paced). Every client is in the lobby and must
// receive every message, its own included; what is missing is counted as lost.
import { performance } from 'node:perf_hooks';
import { chatText, ClientGroup, type BenchClient } from './generator.js';
import { seqOf } from './frameReading.js';
import {
  engineMetrics,
  GENERATOR_BOUND,
  meterEngines,
  openClients,
  peakRss,
  settle,
  shortfall,
  untilDoneOrStalled,
  Window,
  type RunContext,
  type RunResult,
  type WindowFigures,
} from './run.js';
import { latencySummary, Samples } from './stats.js';

/** Tallies deliveries and notes when the last expected one arrived. */
class Deliveries {
  count = 0;
  completedAt = 0;
  constructor(readonly expected: number) {}

  add(now: number): void {
    if (++this.count === this.expected) this.completedAt = now;
  }

  get done(): boolean {
    return this.count >= this.expected;
  }
}

function notesOf(group: ClientGroup, duplicates: number): string[] {
  const notes: string[] = [];
  if (duplicates > 0) notes.push(`${duplicates} frames received twice`);
  if (group.errors > 0) notes.push(`${group.errors} error frames, e.g. ${group.errorTexts[0]}`);
  const closed = group.clients.filter((client) => client.closed).length;
  if (closed > 0) notes.push(`${closed} clients were closed, e.g. ${JSON.stringify(group.clients.find((c) => c.closed)?.closed)}`);
  return notes;
}

/** 1. Fan-out: one sender, as fast as a window of unanswered messages allows; server CPU per delivery. */
export async function fanOut(ctx: RunContext): Promise<RunResult> {
  const run = await senderRun(ctx, 'fan-out', chatText);
  return { ...run.result, metrics: { clients: run.clients, messages: run.frames, ...run.metrics } };
}

/**
 * One sender's frames (`frameOf(n)`), every one going to every client: `warmUp` of them untimed,
 * then `messages` timed, each as fast as a window of unanswered ones allows (fan-out, and changes
 * in changesScenario.ts). `ownChat` sees the sender's own chats coming back.
 */
export async function senderRun(ctx: RunContext, prefix: string, frameOf: (n: number) => string, ownChat?: (data: Buffer) => void) {
  const { clients, messages, window, warmUp } = ctx.sizes.fanOut;
  const group = new ClientGroup();
  await openClients(ctx, group, clients, prefix, ctx.sizes.handshakes);
  await settle(ctx, group);

  const sender = group.clients[0]!;
  let deliveries = new Deliveries(warmUp * clients);
  let sent = 0;
  let upTo = warmUp;
  // The sender's own copy coming back frees a place in the window.
  const pump = () => {
    while (sent < upTo && sent - (sender.chats + sender.changes) < window) {
      if (!sender.send(frameOf(sent))) return;
      sent++;
    }
  };
  const arrived = (client: BenchClient) => {
    deliveries.add(performance.now());
    if (client === sender) pump();
  };
  group.sink = {
    chat(client, data) {
      if (client === sender) ownChat?.(data);
      arrived(client);
    },
    change: arrived,
  };
  // Untimed: the same frames, until every client has every one of them.
  pump();
  await untilDoneOrStalled(group, () => deliveries.done, ctx.sizes.stallMs);

  deliveries = new Deliveries(messages * clients);
  upTo = warmUp + messages;
  const engines = await meterEngines(ctx);
  const measured = new Window(ctx.target);
  pump();
  await untilDoneOrStalled(group, () => deliveries.done, ctx.sizes.stallMs);
  const figures = measured.stop(deliveries.completedAt || performance.now());
  const engineFigures = await engineMetrics(engines, deliveries.count, 'Delivery');

  const { lost, duplicates } = shortfall(group, warmUp + messages);
  return {
    clients,
    frames: sent - warmUp,
    result: { lost, generatorBound: figures.generatorShare >= GENERATOR_BOUND, notes: notesOf(group, duplicates) },
    metrics: { ...deliveryMetrics(ctx, figures, deliveries.count), ...engineFigures, lost, duplicates },
  };
}

/**
 * Senders send `rate` messages a second in all, for `seconds`, round robin; every client measures
 * each message from its send (performance.now() in this same process) to its receipt.
 */
async function paced(ctx: RunContext, clients: number, senders: number, rate: number, seconds: number, prefix: string): Promise<RunResult> {
  const group = new ClientGroup();
  await openClients(ctx, group, clients, prefix, ctx.sizes.handshakes);
  await settle(ctx, group);

  const total = Math.max(1, Math.round(rate * seconds));
  const sentAt = new Float64Array(total);
  const latencies = new Samples(total * clients);
  const deliveries = new Deliveries(total * clients);
  group.sink = {
    chat(_client, data) {
      const now = performance.now();
      const seq = seqOf(data);
      if (seq >= 0 && seq < total) latencies.push(now - sentAt[seq]!);
      deliveries.add(now);
    },
  };

  const engines = await meterEngines(ctx);
  const measured = new Window(ctx.target);
  const startedAt = measured.start;
  let sent = 0;
  let failedSends = 0;
  const tickMs = Math.max(1, Math.min(20, Math.floor(1000 / rate)));
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) * rate) / 1000) + 1);
      while (sent < due) {
        sentAt[sent] = performance.now();
        if (!group.clients[sent % senders]!.send(chatText(sent))) failedSends++;
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, tickMs);
    ctx.cleanups.push(() => {
      clearInterval(timer);
      resolve();
    });
    tick();
  });
  await untilDoneOrStalled(group, () => deliveries.done, ctx.sizes.stallMs);
  const figures = measured.stop(deliveries.completedAt || performance.now());
  const engineFigures = await engineMetrics(engines, deliveries.count, 'Delivery');

  const { lost, duplicates } = shortfall(group, total);
  const latency = latencySummary(latencies.values());
  const notes = notesOf(group, duplicates);
  if (failedSends > 0) notes.push(`${failedSends} messages could not be sent (sender closed)`);
  return {
    lost,
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes,
    metrics: {
      clients,
      senders,
      messages: total,
      ...deliveryMetrics(ctx, figures, deliveries.count),
      ...engineFigures,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      maxMs: latency.max,
      lost,
      duplicates,
    },
  };
}

/** The figures every message scenario reports about its deliveries and the server's work for them. */
function deliveryMetrics(ctx: RunContext, figures: WindowFigures, deliveries: number) {
  return {
    deliveries,
    deliveriesPerSecond: deliveries / (figures.wallMs / 1000),
    serverCpuUsPerDelivery: figures.serverCpuUs / deliveries,
    serverCpuMs: figures.serverCpuUs / 1000,
    generatorCpuShare: figures.generatorShare,
    wallMs: figures.wallMs,
    peakRssBytes: peakRss(ctx),
  };
}

/** 2. Latency: many readers, one sender at a steady rate; p50/p99/max from send to receipt. */
export function latency(ctx: RunContext): Promise<RunResult> {
  const { clients, rate, seconds } = ctx.sizes.latency;
  return paced(ctx, clients, 1, rate, seconds, 'latency');
}

/** 3. Many senders: some of the clients send, together at a steady rate. */
export function manySenders(ctx: RunContext): Promise<RunResult> {
  const { clients, senders, rate, seconds } = ctx.sizes.manySenders;
  return paced(ctx, clients, senders, rate, seconds, 'senders');
}
