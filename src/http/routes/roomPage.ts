// `GET /rooms/<name>`, a room's own address: to the chat page opened on it when the reader may see
// it, or a page saying there is no such room (404, the same for a private room of others), with the
// way back to the lobby. The page asks here before offering a permalink's room (src/client/permalinks.ts).
import Router from '@koa/router';
import { codePointLength, MAX_NAME_LENGTH } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import type { AppState } from '../context.js';
import { render } from '../render.js';

export function roomPageRoutes({ store }: { store: Store }): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/rooms/:name', async (ctx) => {
    const user = ctx.state.user;
    if (!user) return ctx.redirect('/signin');
    ctx.set('Cache-Control', 'no-store');
    const name = ctx.params.name ?? '';
    // A name no room can have is not looked up.
    const found = codePointLength(name) <= MAX_NAME_LENGTH ? await store.findRoom(name) : undefined;
    if (found && (!found.private || (await store.isMember(user.id, found.name)))) return ctx.redirect(`/#room=${encodeURIComponent(found.name)}`);
    ctx.status = 404;
    render(ctx, 'no-room.njk', { room: [...name].slice(0, MAX_NAME_LENGTH).join('') });
  });
  return router;
}
