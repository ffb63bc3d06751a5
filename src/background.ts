// Upkeep beside the send path (search indexing, purging deleted rooms, sweeping old sign-ins):
// done in bounded steps, so that the event loop is never held for long and sockets are written
// in between.

export interface Steps {
  stop(): void;
}

/**
 * Runs `step` every `everyMs`, and while a step says there is more to do, again after `againMs`
 * (0: on the next turn of the event loop). A step must be bounded: the event loop waits for it
 * (or, for a step that answers later, the next step waits). A step that fails is reported and
 * the steps go on.
 */
export function inSteps(
  step: () => boolean | Promise<boolean>,
  everyMs: number,
  againMs = 0,
  onError: (error: unknown) => void = warn,
): Steps {
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = ms === 0 ? setImmediate(() => void run()) : setTimeout(() => void run(), ms);
    timer.unref();
  };
  const run = async () => {
    let more = false;
    try {
      more = await step();
    } catch (error) {
      onError(error);
    }
    schedule(more ? againMs : everyMs);
  };
  schedule(everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    },
  };
}

function warn(error: unknown): void {
  process.emitWarning(`background step failed: ${String(error)}`, 'UpkeepWarning');
}
