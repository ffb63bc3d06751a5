// The product-only scenarios: sign-in throughput, and reading history from a large store (the
// page and a WebSocket `history` page).
import { performance } from 'node:perf_hooks';
import { LOBBY, PRESENCE_BATCH } from '../../shared/protocol/index.js';
import { keepAlive, request, signIn } from '../kit/http.js';
import { timedApart } from './apart.js';
import { BenchClient, ClientGroup } from './generator.js';
import { GENERATOR_BOUND, peakRss, Window, type RunContext, type RunResult } from './run.js';
import type { PageTimesFigures, PageTimesSettings } from './pageTimes.js';
import { latencySummary, Samples } from './stats.js';

/**
 * 5. Sign-in: `POST /signin` as fast as `concurrency` keep-alive connections allow, for `seconds`,
 * after `warmUpSeconds` of the same untimed (a failure then is a failure all the same).
 */
export async function signin(ctx: RunContext): Promise<RunResult> {
  const { seconds, concurrency, warmUpSeconds } = ctx.sizes.signin;
  const agent = keepAlive(concurrency);
  ctx.cleanups.push(() => agent.destroy());
  const latencies = new Samples(4096);
  let ok = 0;
  let failures = 0;
  const failureTexts: string[] = [];
  let next = 0;

  const signInUntil = async (deadline: number, timed: boolean) => {
    while (performance.now() < deadline) {
      try {
        const answer = await request(ctx.target.url, 'POST', '/signin', { agent, body: { name: `signin ${next++}` } });
        if (answer.status === 200 && (answer.headers['set-cookie']?.length ?? 0) > 0) {
          if (timed) ok++;
        } else {
          failures++;
          if (failureTexts.length < 3) failureTexts.push(`${answer.status} ${answer.body.slice(0, 100)}`);
        }
        if (timed) latencies.push(answer.elapsedMs);
      } catch (error) {
        failures++;
        if (failureTexts.length < 3) failureTexts.push(String(error));
      }
    }
  };
  const warmUntil = performance.now() + warmUpSeconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, () => signInUntil(warmUntil, false)));

  const measured = new Window(ctx.target);
  const deadline = measured.start + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, () => signInUntil(deadline, true)));
  const figures = measured.stop();
  const latency = latencySummary(latencies.values());
  return {
    lost: 0,
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes: [],
    ...(failures > 0 ? { failure: `${failures} sign-ins failed: ${failureTexts.join('; ')}` } : {}),
    metrics: {
      concurrency,
      signins: ok,
      signinsPerSecond: ok / (figures.wallMs / 1000),
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      maxMs: latency.max,
      failures,
      serverCpuUsPerSignin: figures.serverCpuUs / Math.max(ok, 1),
      generatorCpuShare: figures.generatorShare,
      peakRssBytes: peakRss(ctx),
    },
  };
}

/** Untimed requests before the timed ones, at the least (and for `warmUpMs` in all). */
const WARM_UP = 10;

/**
 * 6. History, on a store seeded with many messages: `GET /` signed in, and a `history` page
 * before a random id over the WebSocket, each one request at a time, each after its warm-up.
 */
export async function history(ctx: RunContext): Promise<RunResult> {
  const prepared = ctx.prepared;
  if (!prepared) throw new Error('history needs the seeded store');
  const { requests, pageSize, warmUpMs } = ctx.sizes.history;
  const { target } = ctx;
  // A name of this run's own: pg-history runs every round's process on one seeded database, where
  // the last round's reader is still signed in and holds their name.
  const account = await signIn(target.url, `history reader ${Date.now().toString(36)}`);
  const warming = (count: number, until: number) => count < WARM_UP || performance.now() < until;

  const measured = new Window(target);
  // Timed apart (pageTimes.ts says why).
  const settings: PageTimesSettings = { url: target.url, cookie: account.cookie, requests, warmUpCount: WARM_UP, warmUpMs };
  const pages = await timedApart<PageTimesFigures>('pageTimes.js', settings);
  const failures = pages.failures;

  const group = new ClientGroup();
  ctx.cleanups.push(() => group.closeAll());
  const client = new BenchClient(group, target.wsUrl, { cookie: account.cookie, query: { presence: PRESENCE_BATCH } });
  await client.whenReady;
  const wsTimes = new Samples(requests);
  let answered: (() => void) | undefined;
  let timed = false;
  let wrongSize = 0;
  group.sink = {
    history(_client, data) {
      // A page of `pageSize` messages: one `"ts":` per message.
      let n = 0;
      for (let at = data.indexOf('"ts":'); at !== -1; at = data.indexOf('"ts":', at + 5)) n++;
      if (n !== pageSize && timed) wrongSize++;
      answered?.();
    },
  };
  const historyPage = async () => {
    // Anywhere in the store, with a full page below it.
    const before = pageSize + 1 + Math.floor(Math.random() * Math.max(1, prepared.maxId - pageSize));
    const began = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no history page in 10 s')), 10_000);
      answered = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (!client.send(JSON.stringify({ type: 'history', room: LOBBY, before, limit: pageSize }))) throw new Error('history client closed');
    await done;
    return performance.now() - began;
  };
  const historyWarmUntil = performance.now() + warmUpMs;
  for (let i = 0; warming(i, historyWarmUntil); i++) await historyPage();
  timed = true;
  for (let i = 0; i < requests; i++) wsTimes.push(await historyPage());
  const figures = measured.stop();
  const ws = latencySummary(wsTimes.values());
  const problems: string[] = [];
  if (failures > 0) problems.push(`${failures} page requests failed: ${pages.failureTexts.join('; ')}`);
  if (wrongSize > 0) problems.push(`${wrongSize} history pages did not hold ${pageSize} messages`);
  if (group.errors > 0) problems.push(`${group.errors} error frames, e.g. ${group.errorTexts[0]}`);
  return {
    lost: 0,
    ...(problems.length > 0 ? { failure: problems.join('; ') } : {}),
    generatorBound: figures.generatorShare >= GENERATOR_BOUND,
    notes: [],
    metrics: {
      storedMessages: prepared.messages,
      pageP50Ms: pages.p50,
      pageP99Ms: pages.p99,
      pageMaxMs: pages.max,
      historyP50Ms: ws.p50,
      historyP99Ms: ws.p99,
      historyMaxMs: ws.max,
      failures: failures + wrongSize,
      generatorCpuShare: figures.generatorShare,
      peakRssBytes: peakRss(ctx),
    },
  };
}
