import nunjucks from 'nunjucks';
import { VIEWS_DIR } from '../paths.js';
import type { AppContext } from './context.js';

// Autoescape on: every value a template prints is HTML-escaped unless a template says otherwise.
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

env.addFilter('isodate', (ts: unknown) => (typeof ts === 'number' ? new Date(ts).toISOString() : ''));
// The server does not know the reader's time zone: UTC here, and the page redraws it in local time.
env.addFilter('clock', (ts: unknown) => (typeof ts === 'number' ? new Date(ts).toISOString().slice(11, 16) : ''));

/** Renders a view as the response body. */
export function render(ctx: AppContext, view: string, context: Record<string, unknown> = {}): void {
  ctx.type = 'html';
  ctx.body = env.render(view, { user: ctx.state.user, ...context });
}
