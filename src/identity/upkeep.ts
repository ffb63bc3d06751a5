// Expired sessions, and guests nobody can be any more who left nothing behind, are removed in the
// background a bounded step at a time (the store's `sweep`), so sign-ins cannot fill the disk for good.
import { inSteps } from '../background.js';
import type { Log } from '../log.js';
import type { Store } from '../store/store.js';

/** A step this long after one that found everything done… */
export const SWEEP_EVERY_MS = 10_000;
/** …and this soon after one that reached a limit (a backlog: after a flood of sign-ins, or a restart). */
export const SWEEP_AGAIN_MS = 250;

/** Starts the steps; returns the function that stops them. */
export function startSweeping(store: Store, maxAgeMs: number, log: Log): () => void {
  // Logged once a backlog is done, not per step.
  let removed = { sessions: 0, users: 0 };
  const steps = inSteps(
    async () => {
      const counts = await store.sweep(Date.now(), maxAgeMs);
      removed = { sessions: removed.sessions + counts.sessions, users: removed.users + counts.users };
      if (!counts.more && removed.sessions + removed.users > 0) {
        log('swept', removed);
        removed = { sessions: 0, users: 0 };
      }
      return counts.more;
    },
    SWEEP_EVERY_MS,
    SWEEP_AGAIN_MS,
    (error) => log('sweep_failed', { error: String(error) }),
  );
  return () => steps.stop();
}
