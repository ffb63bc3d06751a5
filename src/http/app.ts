import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Hub } from '../chat/hub.js';
import type { Identity } from '../identity/identity.js';
import { NameSignIns } from '../identity/nameSignIn.js';
import type { Log } from '../log.js';
import { STATIC_DIR } from '../paths.js';
import type { Counters } from '../limits/counters.js';
import { PasswordGuesses } from '../limits/passwordGuesses.js';
import { RoomCreationLimits } from '../limits/roomCreation.js';
import type { Store } from '../store/store.js';
import { Assets } from './assets.js';
import { currentUser, sameOriginWrites } from './auth.js';
import type { AppState } from './context.js';
import { errorResponses } from './errors.js';
import { language } from './language.js';
import { linkAssets } from './render.js';
import { accountRoutes } from './routes/account.js';
import { avatarRoutes } from './routes/avatars.js';
import { chatRoutes } from './routes/chat.js';
import { healthRoutes } from './routes/health.js';
import { moderationRoutes } from './routes/moderation.js';
import { roomEndRoutes } from './routes/roomEnds.js';
import { roomPageRoutes } from './routes/roomPage.js';
import { roomRoutes } from './routes/rooms.js';
import { searchRoutes } from './routes/search.js';
import { signinRoutes } from './routes/signin.js';
import { securityHeaders } from './security.js';
import { staticFiles } from './static.js';

export interface AppDeps {
  store: Store;
  hub: Hub;
  identity: Identity;
  log: Log;
  trustProxy: boolean;
  allowedOrigins: readonly string[];
  historyLimit: number;
  /** The longest message, in characters: the page's counter shows it as it nears. */
  maxMessageLength: number;
  signinRateLimit: number;
  searchRateLimit: number;
  roomRateLimit: number;
  /** Wrong passwords a name may get in 5 minutes (an address: three times as many). */
  passwordGuessLimit: number;
  /** How long a session lasts: a guest holds their name while one of theirs is this young. */
  sessionMaxAgeMs: number;
  /** Where the limits are counted: this process, or with Redis the whole site. */
  counters: Counters;
  accepting: () => boolean;
}

const MINUTE_MS = 60_000;
/** Request bodies are a name or two: anything near this size is not a real sign-in or room. */
const BODY_LIMIT = '16kb';

export function createApp(deps: AppDeps): Koa<AppState> {
  // `proxy` makes ctx.secure come from X-Forwarded-Proto, only when trusted (cookies are then
  // Secure); client addresses are read by clientAddress(), for HTTP and WebSocket alike.
  const app = new Koa<AppState>({ proxy: deps.trustProxy, maxIpsCount: 1 });
  const signinLimiter = deps.counters.window('signin', deps.signinRateLimit, MINUTE_MS);
  const roomLimits = new RoomCreationLimits(deps.counters, deps.roomRateLimit);
  // One count of wrong passwords for sign-in and the account page alike.
  const passwordGuesses = new PasswordGuesses(deps.counters, deps.passwordGuessLimit);
  const nameSignIns = new NameSignIns(deps.store, passwordGuesses, deps.sessionMaxAgeMs);

  // Hashed once, here: pages link each file by its content, so browsers may keep them for good.
  const assets = new Assets(STATIC_DIR);
  linkAssets(assets);

  app.use(errorResponses(deps.log));
  app.use(securityHeaders);
  app.use(staticFiles(STATIC_DIR, assets));
  app.use(language);
  app.use(sameOriginWrites(deps.allowedOrigins, deps.trustProxy));
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: BODY_LIMIT, formLimit: BODY_LIMIT, strict: true }));
  app.use(currentUser(deps.identity));

  for (const router of [
    chatRoutes(deps),
    signinRoutes({ ...deps, signinLimiter, nameSignIns }),
    accountRoutes({ ...deps, passwordGuesses }),
    roomRoutes({ ...deps, roomLimits }),
    roomEndRoutes(deps),
    roomPageRoutes(deps),
    moderationRoutes(deps),
    searchRoutes(deps),
    healthRoutes(deps.accepting, deps.store),
    avatarRoutes(),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
