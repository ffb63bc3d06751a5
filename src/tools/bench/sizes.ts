// How big each scenario is: the full run, and the smoke run (about 1/20, a few seconds in all).

export interface Sizes {
  fanOut: { clients: number; messages: number; window: number };
  latency: { clients: number; rate: number; seconds: number };
  manySenders: { clients: number; senders: number; rate: number; seconds: number };
  idle: { connections: number; handshakes: number; settleMs: number };
  signin: { seconds: number; concurrency: number };
  history: { messages: number; requests: number; pageSize: number };
  /** Handshakes in flight while the clients of the message scenarios connect. */
  handshakes: number;
  /** Upper bound for one scenario run, start to stop; a run over it fails. */
  runTimeoutMs: number;
  /** How long the clients may go without receiving anything before the rest counts as lost. */
  stallMs: number;
}

export const FULL: Sizes = {
  fanOut: { clients: 200, messages: 5000, window: 32 },
  latency: { clients: 1000, rate: 50, seconds: 10 },
  manySenders: { clients: 200, senders: 20, rate: 400, seconds: 10 },
  idle: { connections: 5000, handshakes: 100, settleMs: 2000 },
  signin: { seconds: 5, concurrency: 32 },
  history: { messages: 1_000_000, requests: 200, pageSize: 50 },
  handshakes: 100,
  runTimeoutMs: 300_000,
  stallMs: 10_000,
};

export const SMOKE: Sizes = {
  fanOut: { clients: 10, messages: 250, window: 32 },
  latency: { clients: 50, rate: 50, seconds: 1 },
  manySenders: { clients: 10, senders: 2, rate: 40, seconds: 1 },
  idle: { connections: 250, handshakes: 50, settleMs: 200 },
  signin: { seconds: 0.5, concurrency: 16 },
  history: { messages: 20_000, requests: 20, pageSize: 50 },
  handshakes: 50,
  runTimeoutMs: 60_000,
  stallMs: 5000,
};
