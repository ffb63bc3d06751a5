// The moderation page and its forms: `GET /moderation` (owners and moderators only; 403 for anyone
// else signed in) and one `POST` per action, as a form (→ 302 back to the page) or JSON
// (→ `{"code":0,"data"}`). Every action is checked again by the server (moderation/actions.ts):
// what the page shows or hides decides nothing. POSTs are same-origin only, like every write.
import Router from '@koa/router';
import type { Hub } from '../../chat/hub.js';
import { roleOf, moderates } from '../../identity/roles.js';
import { Moderation, ModerationRefusal, type Actor } from '../../moderation/actions.js';
import { BLOCK_DURATIONS, type BlockDuration } from '../../moderation/blocks.js';
import { translate, type Key } from '../../shared/i18n/index.js';
import type { User } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import { clientAddress } from '../../web/clientAddress.js';
import { wantsJson, type AppContext, type AppState } from '../context.js';
import { fail, type Localized } from '../language.js';
import { render } from '../render.js';

/** Lines of the log a page shows. */
const LOG_PAGE = 50;

export interface ModerationRouteDeps {
  store: Store;
  hub: Hub;
  trustProxy: boolean;
}

function field(ctx: AppContext, key: string): string {
  const body = ctx.request.body as unknown;
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : '';
}

/** A time as the page prints it: the same for every reader, UTC to the minute. */
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function signedIn(ctx: AppContext): User {
  return ctx.state.user ?? fail(ctx, 401, 'error.signInFirst');
}

/** A refusal in the reader's language (errors.ts answers it as JSON or as the error page). */
function refused(ctx: AppContext, refusal: ModerationRefusal): never {
  const localized: Localized = { key: refusal.key, params: refusal.params };
  return ctx.throw(refusal.status, translate('en', refusal.key, refusal.params as never), { i18n: localized });
}

export function moderationRoutes({ store, hub, trustProxy }: ModerationRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const moderation = new Moderation({ store, publish: hub.publish });

  router.get('/moderation', async (ctx) => {
    const user = ctx.state.user;
    if (!user) return ctx.redirect('/signin');
    const role = await roleOf(store, user);
    if (!moderates(role)) fail(ctx, 403, 'moderation.forbidden');
    ctx.set('Cache-Control', 'no-store');
    const rawBefore = typeof ctx.query.before === 'string' && /^\d{1,15}$/.test(ctx.query.before) ? Number(ctx.query.before) : undefined;
    const now = Date.now();
    const [staff, removed, blocks, locks, log] = await Promise.all([
      store.moderation.staff(),
      store.moderation.removedPeople(),
      store.moderation.blocks(now),
      store.moderation.lockedRooms(),
      store.moderation.log(rawBefore, LOG_PAGE + 1),
    ]);
    render(ctx, 'moderation.njk', {
      role,
      isOwner: role === 'owner',
      staff: staff.map((member) => ({ ...member, roleKey: `moderation.role.${member.role}` satisfies Key, since: when(member.grantedAt) })),
      removed: removed.map((person) => ({ ...person, since: when(person.removedAt) })),
      blocks: blocks.map((block) => ({ ...block, untilText: when(block.until) })),
      locks,
      durations: (Object.keys(BLOCK_DURATIONS) as BlockDuration[]).map((value) => ({ value, key: `moderation.duration.${value}` satisfies Key })),
      log: log.slice(0, LOG_PAGE).map((entry) => ({ ...entry, actionKey: `moderation.action.${entry.action}` satisfies Key, when: when(entry.at) })),
      older: log.length > LOG_PAGE ? log[LOG_PAGE - 1]!.id : undefined,
    });
  });

  /** One action: its answer as JSON, or back to the page; a refusal as the error it is. */
  const action = (path: string, run: (actor: Actor, ctx: AppContext) => Promise<unknown>) =>
    router.post(path, async (ctx) => {
      const user = signedIn(ctx);
      let data: unknown;
      try {
        data = await run({ id: user.id, name: user.name }, ctx);
      } catch (error) {
        if (error instanceof ModerationRefusal) refused(ctx, error);
        throw error;
      }
      if (wantsJson(ctx)) ctx.body = { code: 0, data: data ?? null };
      else ctx.redirect('/moderation');
    });

  action('/moderation/moderators', (actor, ctx) => moderation.grant(actor, field(ctx, 'name'), 'moderator'));
  action('/moderation/moderators/revoke', (actor, ctx) => moderation.revoke(actor, { id: field(ctx, 'userId') }, 'moderator'));
  action('/moderation/remove', (actor, ctx) => moderation.remove(actor, field(ctx, 'name')));
  action('/moderation/restore', (actor, ctx) => moderation.restore(actor, field(ctx, 'userId')));
  action('/moderation/block', (actor, ctx) =>
    moderation.block(actor, field(ctx, 'target'), field(ctx, 'duration'), clientAddress(ctx.req, trustProxy)),
  );
  action('/moderation/unblock', (actor, ctx) => moderation.unblock(actor, field(ctx, 'address')));
  action('/moderation/lock', async (actor, ctx) => ({ room: await moderation.setLock(actor, field(ctx, 'room'), true) }));
  action('/moderation/unlock', async (actor, ctx) => ({ room: await moderation.setLock(actor, field(ctx, 'room'), false) }));

  return router;
}
