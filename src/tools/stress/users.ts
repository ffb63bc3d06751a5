// The attackers' users: fresh source addresses on the loopback network, signing in one or many,
// making a room, and connecting a user's client (the kit's, counting only) to the server under attack.
import { PRESENCE_BATCH } from '../../shared/protocol/index.js';
import { TestClient, type ConnectOptions } from '../kit/client.js';
import { request, signInMany as signInManyFrom, trySignIn, type Account } from '../kit/http.js';
import { range, sleep } from '../kit/wait.js';
import type { Context } from './attack.js';
import { SIGNINS_PER_ADDRESS } from './sizes.js';
import type { Target } from './target.js';

/** Source addresses on the loopback network: each gets its own per-address allowances, as distinct clients would. */
export class Addresses {
  private used = 0;
  constructor(readonly enabled: boolean) {}

  fresh(): string | undefined {
    if (!this.enabled) return undefined;
    const n = this.used++;
    return `127.88.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }
}

/**
 * This run's mark on its users' names: a name is held while its user is signed in (for days), so a
 * run against a server an earlier run used (`--url`) must not ask for the same names.
 */
export const RUN_TAG = Date.now().toString(36).slice(-4);

/** A name of this run: `<name> <tag>`. */
export const runName = (name: string) => `${name} ${RUN_TAG}`;

/** One user's sign-in from a source address, under this run's name: the status, and the account on 200. */
export function signIn(target: Target, name: string, local: string | undefined): Promise<{ status: number; account?: Account }> {
  return trySignIn(target.url, runName(name), { timeoutMs: 15_000, ...(local === undefined ? {} : { localAddress: local }) });
}

/** Signs in `n` users (`<prefix> <tag> <i>`), a fresh source address for every few, retrying from another address when refused. */
export function signInMany(context: Context, n: number, prefix: string, perAddress = SIGNINS_PER_ADDRESS): Promise<Account[]> {
  const locals = range(Math.ceil(n / perAddress)).map(() => context.addresses.fresh());
  return signInManyFrom(context.target.url, n, runName(prefix), {
    concurrency: 24,
    timeoutMs: 15_000,
    localAddress: (i) => locals[Math.floor(i / perAddress)],
    retryFrom: async () => {
      const local = context.addresses.fresh();
      if (local === undefined) await sleep(1000);
      return local;
    },
  });
}

/** `POST /rooms` as the user, from the address it signed in from: the status (201 made, 429 refused, …). */
export async function makeRoom(target: Target, account: Account, name: string): Promise<number> {
  const answer = await request(target.url, 'POST', '/rooms', {
    cookie: account.cookie,
    body: { name },
    timeoutMs: 15_000,
    ...(account.local === undefined ? {} : { localAddress: account.local }),
  });
  return answer.status;
}

/** A room name no earlier run made: `<prefix>-<a time tag>`. */
export const freshRoomName = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

/** Stress's clients only count, or take messages through `onMessage`: nothing is buffered. */
export type Conn = TestClient;

export interface OpenOptions extends Pick<ConnectOptions, 'since' | 'onMessage' | 'greeted' | 'rooms'> {
  /** Ask for batched `presence` frames, as the page does. */
  batchPresence?: boolean;
  timeoutMs?: number;
}

export function connect(target: Target, account: Account, options: OpenOptions = {}): Promise<Conn> {
  const { batchPresence, timeoutMs, ...rest } = options;
  return TestClient.connect(target.wsUrl, {
    ...rest,
    cookie: account.cookie,
    buffer: false,
    skipUTF8Validation: true,
    handshakeTimeoutMs: timeoutMs ?? 15_000,
    ...(batchPresence ? { presence: PRESENCE_BATCH } : {}),
    ...(account.local === undefined ? {} : { localAddress: account.local }),
  });
}
