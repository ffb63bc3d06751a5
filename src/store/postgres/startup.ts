// A start while PostgreSQL is not there yet (booting on the same machine, restarting, a network
// still coming up): the store tries again every second for a bounded time (DATABASE_WAIT_MS), saying
// so, and then gives up with StoreUnavailable, so that the process exits with status 1 and its
// supervisor (systemd's Restart=on-failure) starts it again later. A refusal that waiting cannot
// mend (a wrong password, a database that does not exist) ends the start at once.
import type pg from 'pg';
import { StoreUnavailable } from '../unavailable.js';
import { asUnavailable } from './pool.js';

/** Between two attempts. */
const RETRY_MS = 1_000;

export interface StartWait {
  /** How long to keep trying; 0 tries once. */
  waitMs: number;
  /** Each failed attempt that will be tried again: why, and how long it has waited so far. */
  onWaiting?: (reason: StoreUnavailable, waitedMs: number) => void;
}

/** Resolves once PostgreSQL answers a query on `pool`; rejects when `waitMs` has passed without, or at once for a refusal. */
export async function whenReachable(pool: pg.Pool, { waitMs, onWaiting }: StartWait): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      const reason = asUnavailable(error);
      if (!(reason instanceof StoreUnavailable)) throw error;
      const waited = Date.now() - started;
      if (waited >= waitMs) throw reason;
      onWaiting?.(reason, waited);
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, waitMs - waited)));
    }
  }
}
