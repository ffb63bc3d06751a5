// 4. Idle: thousands of connections of distinct users. How long until all of them are connected
// (each has its lobby list), until each has seen everyone (presence settled), and what each costs
// the server in resident memory.
import { sleep, until } from '../kit/wait.js';
import { ClientGroup, connectAll } from './generator.js';
import { cpuMicros, rssBytes } from './procStats.js';
import { clientOptions, GENERATOR_BOUND, hasPresence, peakRss, Window, type RunContext, type RunResult } from './run.js';

/** Every 10th client counts the users it is told of; all of them count toward "all connected". */
const PRESENCE_SAMPLE = 10;

export async function idle(ctx: RunContext): Promise<RunResult> {
  const { connections, handshakes, settleMs } = ctx.sizes.idle;
  const { target } = ctx;
  const group = new ClientGroup();
  group.expectedUsers = connections;
  group.presenceSample = PRESENCE_SAMPLE;
  ctx.cleanups.push(() => group.closeAll());

  // Sign-in is not part of this scenario: every user exists before the clock starts.
  const optionsOf = await clientOptions(target, connections, 'idle', 64);
  await sleep(500);
  const rssBefore = rssBytes(target.pid) ?? NaN;

  const measured = new Window(target);
  await connectAll(group, connections, target.wsUrl, optionsOf, handshakes);
  const connectMs = group.lastReadyAt() - measured.start;
  let settledMs = connectMs;
  let presenceShort = 0;
  if (hasPresence(ctx)) {
    const settled = await until(() => group.presenceSettled(), 120_000, 20);
    if (settled) settledMs = group.lastSettledAt() - measured.start;
    else presenceShort = group.counting().filter((client) => client.seen !== connections).length;
  }
  const figures = measured.stop(measured.start + settledMs);
  const cpuAfterSettle = cpuMicros(target.pid) ?? NaN;

  await sleep(settleMs);
  const rssAfter = rssBytes(target.pid) ?? NaN;
  const idleCpuMs = ((cpuMicros(target.pid) ?? NaN) - cpuAfterSettle) / 1000;
  const frames = group.frames;
  const overshoot = group.clients.filter((client) => client.seen > connections).length;

  const notes: string[] = [];
  const problems: string[] = [];
  if (presenceShort > 0) problems.push(`presence never settled: ${presenceShort} clients did not see all ${connections} users in 120 s`);
  if (overshoot > 0) problems.push(`${overshoot} clients counted more users than there are (a user announced twice)`);
  if (group.errors > 0) notes.push(`${group.errors} error frames, e.g. ${group.errorTexts[0]}`);
  const closed = group.clients.filter((client) => client.closed).length;
  if (closed > 0) notes.push(`${closed} clients were closed`);
  return {
    // No messages are sent here; a connection that never got ready fails the run instead.
    lost: 0,
    ...(problems.length > 0 ? { failure: problems.join('; ') } : {}),
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes,
    metrics: {
      connections,
      connectMs,
      presenceSettledMs: presenceShort > 0 ? NaN : settledMs,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      rssPerConnectionBytes: (rssAfter - rssBefore) / connections,
      serverCpuMs: figures.serverCpuUs / 1000,
      serverCpuUsPerConnection: figures.serverCpuUs / connections,
      serverCpuWhileIdleMs: idleCpuMs,
      framesReceived: frames,
      generatorCpuShare: figures.generatorShare,
      peakRssBytes: peakRss(ctx),
      presenceShort,
    },
  };
}
