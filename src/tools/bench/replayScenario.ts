// What a big resume costs the people who are not resuming: a bystander chats one message at a time
// (each after its own echo, then `intervalMs`), first with nobody replaying (the quiet echoes), then
// while another user's connection replays a backlog of `backlog` lobby messages (`?since=` on its
// URL; src/chat/resume.ts paces it: pages of 500, a burst then so many a second per user, waiting
// while the reader is behind). The replay ends with the reader's lobby `list`. Reported: the
// bystander's echo times quiet and during the replay, how long the replay took and the server's CPU
// per replayed message over it. The replay test (test/integration/replay-pacing.test.ts) checks
// the order of frames only: how fast the others are answered is measured here, not asserted there.
import { performance } from 'node:perf_hooks';
import { PEOPLE_LAZY, PRESENCE_BATCH, SINCE_PARAM } from '../../shared/protocol/index.js';
import { signIn } from '../kit/http.js';
import { sleep } from '../kit/wait.js';
import { idOf, seqOf } from './frameReading.js';
import { BenchClient, ClientGroup, chatText } from './generator.js';
import { GENERATOR_BOUND, peakRss, Window, type RunContext, type RunResult } from './run.js';
import { latencySummary, Samples } from './stats.js';

/** Untimed echoes first: the JIT's first compile of the chat path is not the quiet figure. */
const WARM_UP = 50;
/** An echo later than this fails the run. */
const ECHO_TIMEOUT_MS = 10_000;

export async function replay(ctx: RunContext): Promise<RunResult> {
  const prepared = ctx.prepared;
  if (!prepared) throw new Error('replay needs the seeded store');
  const { backlog, intervalMs, quietEchoes } = ctx.sizes.replay;
  const { target } = ctx;
  const run = Date.now().toString(36);
  const [bystanderAccount, readerAccount] = await Promise.all([signIn(target.url, `bystander ${run}`), signIn(target.url, `reader ${run}`)]);
  const group = new ClientGroup();
  ctx.cleanups.push(() => group.closeAll());
  const query = { presence: PRESENCE_BATCH, people: PEOPLE_LAZY };
  const bystander = new BenchClient(group, target.wsUrl, { cookie: bystanderAccount.cookie, query });
  await bystander.whenReady;

  // The bystander's echoes, by seq; the newest message id it has seen (its own echoes).
  let lastId = prepared.maxId;
  let waiting: { seq: number; resolve: () => void } | undefined;
  // The reader's replay: chats before its list with an id in (since, upTo].
  let reader: BenchClient | undefined;
  let since = 0;
  let upTo = 0;
  let replayed = 0;
  group.sink = {
    chat(client, data) {
      if (client === bystander) {
        const id = idOf(data);
        if (id > lastId) lastId = id;
        if (waiting && seqOf(data) === waiting.seq) waiting.resolve();
      } else if (client === reader && !client.ready) {
        const id = idOf(data);
        if (id > since && id <= upTo) replayed++;
      }
    },
  };
  let seq = 0;
  const echo = async (): Promise<number> => {
    const mine = seq++;
    const began = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo of chat ${mine} in ${ECHO_TIMEOUT_MS} ms`)), ECHO_TIMEOUT_MS);
      waiting = {
        seq: mine,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (!bystander.send(chatText(mine))) {
        clearTimeout(timer);
        reject(new Error('the bystander was closed'));
      }
    });
    waiting = undefined;
    return performance.now() - began;
  };

  for (let i = 0; i < WARM_UP; i++) {
    await echo();
    await sleep(intervalMs);
  }
  const quiet = new Samples(quietEchoes);
  for (let i = 0; i < quietEchoes; i++) {
    quiet.push(await echo());
    await sleep(intervalMs);
  }

  // The backlog: the last `backlog` messages up to the newest the bystander has seen.
  upTo = lastId;
  since = upTo - backlog;
  const measured = new Window(target);
  const resuming = new BenchClient(group, target.wsUrl, {
    cookie: readerAccount.cookie,
    query: { ...query, [SINCE_PARAM]: String(since) },
    readyTimeoutMs: ctx.sizes.runTimeoutMs,
  });
  reader = resuming;
  // The replay runs from the reader's socket being open to its lobby list; the bystander keeps
  // chatting all that while (an echo sent before the list counts, however late it comes back).
  const failure: { error?: unknown } = {};
  const ended = resuming.whenReady.catch((error: unknown) => {
    failure.error = error ?? new Error('the reader failed');
  });
  await Promise.race([resuming.whenOpen, ended]);
  const during = new Samples(1024);
  while (!resuming.ready && failure.error === undefined) {
    during.push(await echo());
    if (!resuming.ready) await Promise.race([sleep(intervalMs), ended]);
  }
  await ended;
  if (failure.error !== undefined) throw failure.error instanceof Error ? failure.error : new Error(String(failure.error));
  const figures = measured.stop(resuming.readyAt);
  const replayMs = resuming.readyAt - resuming.openedAt;

  const calm = latencySummary(quiet.values());
  const busy = latencySummary(during.values());
  const notes: string[] = [];
  if (busy.samples === 0) notes.push('the replay ended before the bystander could chat during it');
  const lost = Math.max(0, backlog - replayed);
  return {
    lost,
    ...(group.errors > 0 ? { failure: `${group.errors} error frames, e.g. ${group.errorTexts[0]}` } : {}),
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes,
    metrics: {
      storedMessages: prepared.messages,
      backlog,
      replayed,
      quietP50Ms: calm.p50,
      quietP99Ms: calm.p99,
      replayEchoP50Ms: busy.p50,
      replayEchoP99Ms: busy.p99,
      replayEchoMaxMs: busy.max,
      replayEchoes: busy.samples,
      echoP99OverQuiet: busy.p99 / calm.p99,
      replayMs,
      replayedPerSecond: replayed / (replayMs / 1000),
      serverCpuUsPerReplayed: figures.serverCpuUs / Math.max(replayed, 1),
      generatorCpuShare: figures.generatorShare,
      peakRssBytes: peakRss(ctx),
    },
  };
}
