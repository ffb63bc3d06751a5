// When the upkeep runs (src/identity/upkeep.ts): a step every SWEEP_EVERY_MS, the next one soon
// after a step that had more to do, one log line per backlog, and nothing after it is stopped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSweeping, SWEEP_AGAIN_MS, SWEEP_EVERY_MS } from '../../src/identity/upkeep.js';
import type { Store, SweepCounts } from '../../src/store/store.js';

describe('the upkeep’s schedule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('steps every SWEEP_EVERY_MS, sooner while there is a backlog, and stops when told', async () => {
    const answers: SweepCounts[] = [
      { sessions: 500, users: 0, more: true },
      { sessions: 20, users: 200, more: true },
      { sessions: 0, users: 7, more: false },
      { sessions: 0, users: 0, more: false },
    ];
    const sweep = vi.fn((_now: number, _maxAge: number) => answers.shift() ?? { sessions: 0, users: 0, more: false });
    const log = vi.fn();
    const stop = startSweeping({ sweep } as unknown as Store, 1234, log);

    await vi.advanceTimersByTimeAsync(SWEEP_EVERY_MS - 1);
    expect(sweep).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(sweep).toHaveBeenCalledTimes(1);
    expect(sweep.mock.calls[0]?.[1]).toBe(1234);
    // More to do: again soon, twice, until a step finds it all done.
    await vi.advanceTimersByTimeAsync(SWEEP_AGAIN_MS);
    await vi.advanceTimersByTimeAsync(SWEEP_AGAIN_MS);
    expect(sweep).toHaveBeenCalledTimes(3);
    expect(log.mock.calls).toEqual([['swept', { sessions: 520, users: 207 }]]);
    await vi.advanceTimersByTimeAsync(SWEEP_EVERY_MS - 1);
    expect(sweep).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sweep).toHaveBeenCalledTimes(4);
    expect(log).toHaveBeenCalledTimes(1);

    stop();
    await vi.advanceTimersByTimeAsync(10 * SWEEP_EVERY_MS);
    expect(sweep).toHaveBeenCalledTimes(4);
  });

  it('logs a failed step and goes on', async () => {
    const sweep = vi.fn().mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    sweep.mockReturnValue({ sessions: 0, users: 0, more: false });
    const log = vi.fn();
    const stop = startSweeping({ sweep } as unknown as Store, 1000, log);
    await vi.advanceTimersByTimeAsync(2 * SWEEP_EVERY_MS);
    expect(sweep).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith('sweep_failed', { error: 'Error: disk I/O error' });
    stop();
  });
});
