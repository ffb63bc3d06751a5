// What an attack is given (the context) and what it returns (its outcome).
import type { Account } from '../kit/http.js';
import type { Pair } from './pair.js';
import type { Sizes } from './sizes.js';
import type { Settings, Target } from './target.js';
import type { Addresses } from './users.js';

export interface Context {
  target: Target;
  sizes: Sizes;
  addresses: Addresses;
  pair: Pair;
  /** A user who signed in at the start and then stayed away: everything since is unread for them. */
  away: Account;
  seed: number;
  quick: boolean;
  /** Lobby messages seeded so far in this run, each holding a long run of `a` (see seedLobby). */
  seeded: number;
}

export interface Outcome {
  tried: string;
  happened: string;
  /** Messages lost beyond what the pair measures (e.g. echoed but missing from the store after a crash). */
  lost?: number;
  /** Something that must hold did not (an integrity check, ids going backwards). */
  failed?: boolean;
}

export interface Attack {
  name: string;
  run: (context: Context) => Promise<Outcome>;
  /**
   * Settings the server runs with for this attack (one this tool started): it is restarted with
   * them before, between attacks, and with every default again before the next attack without.
   */
  settings?: (context: Context) => Settings;
  /**
   * What to do on the data folder of a server this tool started, stopped for it before this
   * attack (seeding the store); undefined when there is nothing to do.
   */
  prepare?: (context: Context) => ((dataDir: string) => void | Promise<void>) | undefined;
}
