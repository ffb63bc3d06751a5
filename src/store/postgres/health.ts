// Whether PostgreSQL can be reached now, for `GET /healthz`: `SELECT 1` on a connection of its own
// (a store busy with work is not an unreachable one), given a short time, and its answer kept for a
// second, so that a flood of health checks is one query a second, not a flood of queries.
import type pg from 'pg';
import { openPool } from './pool.js';

/** How long one check may take, connecting included, before the server counts as unreachable. */
export const CHECK_TIMEOUT_MS = 2_000;
/** How long an answer stands before the next check asks again. */
export const CHECK_KEPT_MS = 1_000;

export class Reachability {
  private readonly pool: pg.Pool;
  private answer: { reachable: boolean; at: number } | undefined;
  private asking: Promise<boolean> | undefined;

  constructor(url: string) {
    this.pool = openPool(url, { max: 1, name: 'chat health' });
  }

  /** True when PostgreSQL answered a query within CHECK_TIMEOUT_MS, at most CHECK_KEPT_MS ago. */
  reachable(): Promise<boolean> {
    if (this.answer && Date.now() - this.answer.at < CHECK_KEPT_MS) return Promise.resolve(this.answer.reachable);
    // One check at a time: those that come meanwhile share its answer.
    this.asking ??= this.check().then((reachable) => {
      this.answer = { reachable, at: Date.now() };
      this.asking = undefined;
      return reachable;
    });
    return this.asking;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async check(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    // The pool's connect timeout is longer, and a query on a connection that went silent would wait
    // for TCP: the race bounds both, and the late answer is ignored.
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
    const asked = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([asked, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
