// How big each scenario is: the full run, and the smoke run (about 1/20, a few seconds in all).

export interface Sizes {
  /**
   * `warmUp` chats go first, untimed: CPU per delivery is a long-running server's, not the JIT's
   * first compile of the path (about a fifth of a fresh process's CPU over 5,000 chats, and one
   * compile per process, so a cluster paid it twice).
   */
  fanOut: { clients: number; messages: number; window: number; warmUp: number };
  latency: { clients: number; rate: number; seconds: number };
  manySenders: { clients: number; senders: number; rate: number; seconds: number };
  idle: { connections: number; handshakes: number; settleMs: number };
  /**
   * `warmUpSeconds`/`warmUpMs`: untimed load first. These two have absolute targets, so they are
   * measured as a long-running server runs, after the JIT has compiled its hot paths (a fresh
   * process keeps getting faster for its first few thousand requests).
   */
  signin: { seconds: number; concurrency: number; warmUpSeconds: number };
  history: { messages: number; requests: number; pageSize: number; warmUpMs: number };
  /** Redis publishes per message: `messages` sent with `few` clients in the lobby, then as many with `many`. */
  publishes: { few: number; many: number; messages: number };
  /** Senders each alone in a room of their own, each with `window` chats unanswered, for `seconds` after `warmUpSeconds`. */
  pgWrites: { senders: number; window: number; warmUpSeconds: number; seconds: number };
  /**
   * A store of `messages` lobby messages; a reader resumes `backlog` behind the newest while a
   * bystander chats one at a time, `intervalMs` after each echo: `quietEchoes` timed with nobody
   * replaying first, then as many as the replay lasts for.
   */
  replay: { messages: number; backlog: number; intervalMs: number; quietEchoes: number };
  /** Handshakes in flight while the clients of the message scenarios connect. */
  handshakes: number;
  /** Upper bound for one scenario run, start to stop; a run over it fails. */
  runTimeoutMs: number;
  /** How long the clients may go without receiving anything before the rest counts as lost. */
  stallMs: number;
}

export const FULL: Sizes = {
  fanOut: { clients: 200, messages: 5000, window: 32, warmUp: 5000 },
  latency: { clients: 1000, rate: 50, seconds: 10 },
  manySenders: { clients: 200, senders: 20, rate: 400, seconds: 10 },
  idle: { connections: 5000, handshakes: 100, settleMs: 2000 },
  signin: { seconds: 5, concurrency: 32, warmUpSeconds: 2 },
  // 1,000 of each: a p99 is then the 10th-slowest page rather than the 2nd of 200, one stall.
  history: { messages: 1_000_000, requests: 1000, pageSize: 50, warmUpMs: 3000 },
  publishes: { few: 10, many: 500, messages: 200 },
  pgWrites: { senders: 200, window: 4, warmUpSeconds: 2, seconds: 5 },
  // Past the burst (10,000) the allowance of 5,000 a second paces it: about 8 s of replay.
  replay: { messages: 60_000, backlog: 50_000, intervalMs: 20, quietEchoes: 200 },
  handshakes: 100,
  runTimeoutMs: 300_000,
  stallMs: 10_000,
};

export const SMOKE: Sizes = {
  fanOut: { clients: 10, messages: 250, window: 32, warmUp: 50 },
  latency: { clients: 50, rate: 50, seconds: 1 },
  manySenders: { clients: 10, senders: 2, rate: 40, seconds: 1 },
  idle: { connections: 250, handshakes: 50, settleMs: 200 },
  signin: { seconds: 0.5, concurrency: 16, warmUpSeconds: 0.1 },
  history: { messages: 20_000, requests: 20, pageSize: 50, warmUpMs: 100 },
  publishes: { few: 4, many: 20, messages: 20 },
  pgWrites: { senders: 10, window: 2, warmUpSeconds: 0.2, seconds: 0.5 },
  replay: { messages: 3000, backlog: 2500, intervalMs: 5, quietEchoes: 10 },
  handshakes: 50,
  runTimeoutMs: 60_000,
  stallMs: 5000,
};
