// The history scenarios' `GET /` pages, timed in a process of their own: one at a time over one
// keep-alive connection, after a warm-up, each from sending it to its last byte. Apart from the
// bench's process, whose heap after the `idle` scenario's 5,000 clients kept pausing it for garbage
// collection every 100 ms or so while pages came in (a Mark-Compact each, external memory driving
// them), which read as a `GET /` p99 of 5 to 6 ms where a fresh process reads 1 to 1.5 ms against
// the same server: what is timed is the server, not the load generator (as storePages.ts).
// Run as `node pageTimes.js` with its settings as JSON in argv[2]; prints its figures as JSON.
import { performance } from 'node:perf_hooks';
import { keepAlive, request } from '../kit/http.js';
import { latencySummary, Samples } from './stats.js';

export interface PageTimesSettings {
  url: string;
  /** The signed-in reader's Cookie header. */
  cookie: string;
  requests: number;
  /** Untimed pages before the timed ones: at least `warmUpCount`, and for `warmUpMs` in all. */
  warmUpCount: number;
  warmUpMs: number;
}

export type PageTimesFigures = ReturnType<typeof latencySummary> & { failures: number; failureTexts: string[] };

async function pageTimes({ url, cookie, requests, warmUpCount, warmUpMs }: PageTimesSettings): Promise<PageTimesFigures> {
  const agent = keepAlive(1);
  try {
    // A fresh server compiles its templates and statements on first use, and its hot paths after.
    const warmUntil = performance.now() + warmUpMs;
    for (let i = 0; i < warmUpCount || performance.now() < warmUntil; i++) await request(url, 'GET', '/', { agent, cookie, dropBody: true });
    const times = new Samples(requests);
    let failures = 0;
    const failureTexts: string[] = [];
    for (let i = 0; i < requests; i++) {
      const answer = await request(url, 'GET', '/', { agent, cookie, dropBody: true });
      times.push(answer.elapsedMs);
      if (answer.status !== 200) {
        failures++;
        if (failureTexts.length < 3) failureTexts.push(`GET / answered ${answer.status}`);
      }
    }
    return { ...latencySummary(times.values()), failures, failureTexts };
  } finally {
    agent.destroy();
  }
}

const settings = JSON.parse(process.argv[2] ?? '{}') as PageTimesSettings;
process.stdout.write(`${JSON.stringify(await pageTimes(settings))}\n`);
