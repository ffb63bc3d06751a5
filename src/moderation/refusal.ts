// How a moderation action says no: the HTTP status, and the catalogue's text for it (answered in
// the reader's language by the route, in English by the operator's command).
import type { Key } from '../shared/i18n/index.js';

export class ModerationRefusal extends Error {
  constructor(
    readonly status: number,
    readonly key: Key,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}
