// How a command refuses: it throws a ChatError, and the hub turns it into the `error` frame for
// the connection at fault (with the message's `ref`), in one place, the way Koa's ctx.throw works.
import { translate, type Key, type ParamArgs } from '../shared/i18n/index.js';
import type { ErrorCode } from '../shared/protocol/index.js';

export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Throws the error `code`; its text is the catalogue's English for `key` (the `wsError.*` keys). */
export function refuse<K extends Key>(code: ErrorCode, key: K, ...params: ParamArgs<K>): never {
  throw new ChatError(code, translate('en', key, ...params));
}
