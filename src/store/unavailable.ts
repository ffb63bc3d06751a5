// The store cannot be reached just now (PostgreSQL stopped, restarting, or out of the network): the
// one error every engine throws for that, so that the chat answers `unavailable` and the HTTP
// routes 503 rather than treating it as a bug. What was asked of the store did not happen.

export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(`the store cannot be reached: ${detail}`, options);
  }
}

/** Whether `error` says the store was unreachable (a passing outage), as opposed to a bug or a refusal. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailable {
  return error instanceof StoreUnavailable;
}

/** `read`'s answer, or `fallback` while the store is unreachable: for what is a nicety, never for what must not be lost. */
export async function unlessUnavailable<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isStoreUnavailable(error)) return fallback;
    throw error;
  }
}
