import type { ParameterizedContext } from 'koa';
import type { Lang } from '../shared/i18n/index.js';
import type { User } from '../shared/protocol/index.js';

export interface AppState {
  /** The signed-in user, read once per request by `currentUser`. */
  user: User | null;
  /** The sign-in the request's cookies belong to. */
  sessionId?: string;
  /** Set by API routes, so errors answer in JSON whatever the Accept header says. */
  api?: boolean;
  /** The reader's language, chosen by `language` (`?lang=`, the `lang` cookie, `Accept-Language`). */
  lang?: Lang;
}

export type AppContext = ParameterizedContext<AppState>;

/** Whether the client asked for JSON: an API route, `Accept: application/json`, or a JSON body. */
export function wantsJson(ctx: AppContext): boolean {
  return Boolean(ctx.state.api) || Boolean(ctx.request.is('json')) || ctx.accepts('html', 'json') === 'json';
}
