// How a command refuses: it throws a ChatError, and the hub turns it into the `error` frame for
// the connection at fault (with the message's `ref`), in one place, the way Koa's ctx.throw works.
// A store that cannot be reached is a refusal too (`unavailable`: nothing was done); anything
// else thrown is a bug, and the hub closes that connection instead.
import { translate, type Key, type ParamArgs } from '../shared/i18n/index.js';
import type { ErrorCode, ServerMessage } from '../shared/protocol/index.js';
import { isStoreUnavailable } from '../store/unavailable.js';

export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For `rate_limited`: in how many ms the same would be let in (sent as `data.retryAfter`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Throws the error `code`; its text is the catalogue's English for `key` (the `wsError.*` keys). */
export function refuse<K extends Key>(code: ErrorCode, key: K, ...params: ParamArgs<K>): never {
  throw new ChatError(code, translate('en', key, ...params));
}

/** Throws `rate_limited` with when to try again (a whole number of ms, at least 1). */
export function refuseRate(retryAfterMs: number): never {
  throw new ChatError('rate_limited', translate('en', 'wsError.rate_limited'), Math.max(1, Math.ceil(retryAfterMs)));
}

/** What a thrown error tells the connection: a refusal, `unavailable` for a store out of reach, or undefined for a bug. */
export function refusalOf(error: unknown): ChatError | undefined {
  if (error instanceof ChatError) return error;
  if (isStoreUnavailable(error)) return new ChatError('unavailable', translate('en', 'wsError.unavailable.store'));
  return undefined;
}

/** The `error` frame for a refusal, with the `ref` of the message refused when it had one. */
export function errorMessage({ code, message, retryAfter }: ChatError, ref?: string): ServerMessage {
  const data = retryAfter === undefined ? { code, message } : { code, message, retryAfter };
  return ref === undefined ? { type: 'error', data } : { type: 'error', data, ref };
}
