// How big each attack is, in a full run and a quick one, and the constants the attacks share.

export interface Sizes {
  baselineMs: number;
  /** Message flood: one user, this many tabs, each sending this many messages as fast as it can. */
  floodTabs: number;
  floodPerTab: number;
  /** Read, join/leave and history floods: one user, this many tabs, sending for this long. */
  frameFloodTabs: number;
  frameFloodMs: number;
  /** Replay flood: lobby messages seeded first, and how long the attacker reads. */
  replayMessages: number;
  replayMs: number;
  /** Room creation flood: requests from each user, and how many more users from the first one's address. */
  roomRequests: number;
  roomUsers: number;
  /** Search flood: lobby messages holding `aaa` (seeded up to this many), users searching, for this long. */
  searchMessages: number;
  searchUsers: number;
  searchMs: number;
  /** Idle TCP: connections that send nothing, the server's MAX_CONNECTIONS for it (below their number), and its HEADERS_TIMEOUT_MS (the default when undefined). */
  idleConnections: number;
  idleCap: number;
  idleHeadersTimeoutMs: number | undefined;
  /** Sign-in flood from one address. */
  signins: number;
  /** Connection burst: distinct users, each one connection. */
  burstUsers: number;
  /** Connections attempted from a single address. */
  addressConnections: number;
  /** Slow readers, and how many bytes of flood at most are thrown at them. */
  slowReaders: number;
  slowFloodBytes: number;
  /** Connections sending an oversized, a binary or a too-long frame. */
  badFrames: number;
  /** Garbage: this many tabs, each sending this many random frames. */
  garbageTabs: number;
  garbagePerTab: number;
  /** Connections opened, 20 at a time, by a user with a big unread backlog. */
  stormConnects: number;
  /** kill -9: users writing at the moment of the kill. */
  crashWriters: number;
  /** How long the pair may take to see everything after an attack. */
  settleMs: number;
  /** Upper bound for each attack. */
  attackMs: number;
}

export const FULL: Sizes = {
  baselineMs: 2000,
  floodTabs: 5,
  floodPerTab: 400,
  frameFloodTabs: 5,
  frameFloodMs: 10_000,
  replayMessages: 200_000,
  replayMs: 15_000,
  roomRequests: 100,
  roomUsers: 5,
  searchMessages: 150_000,
  searchUsers: 6,
  searchMs: 10_000,
  idleConnections: 1100,
  idleCap: 1000,
  idleHeadersTimeoutMs: undefined,
  signins: 300,
  burstUsers: 2000,
  addressConnections: 300,
  slowReaders: 20,
  slowFloodBytes: 24 * 1024 * 1024,
  badFrames: 30,
  garbageTabs: 10,
  garbagePerTab: 300,
  stormConnects: 40,
  crashWriters: 30,
  settleMs: 5000,
  attackMs: 30_000,
};

export const QUICK: Sizes = {
  baselineMs: 300,
  floodTabs: 3,
  floodPerTab: 60,
  frameFloodTabs: 3,
  frameFloodMs: 1000,
  replayMessages: 20_000,
  replayMs: 1500,
  roomRequests: 30,
  roomUsers: 3,
  searchMessages: 20_000,
  searchUsers: 3,
  searchMs: 1000,
  idleConnections: 120,
  idleCap: 100,
  idleHeadersTimeoutMs: 1000,
  signins: 80,
  burstUsers: 120,
  addressConnections: 270,
  slowReaders: 3,
  slowFloodBytes: 16 * 1024 * 1024,
  badFrames: 6,
  garbageTabs: 3,
  garbagePerTab: 60,
  stormConnects: 10,
  crashWriters: 6,
  settleMs: 5000,
  attackMs: 15_000,
};

/** Resume from here replays nothing and skips the history: for connections that only write. */
export const FAR_FUTURE_ID = 999_999_999_999_999;
/** Sign-ins per source address, under the default SIGNIN_RATE_LIMIT (60 a minute). */
export const SIGNINS_PER_ADDRESS = 40;
/** A message as big as the default MAX_MESSAGE_LENGTH (2000 code points) allows: ~8 KB of UTF-8. */
export const BIG_TEXT = '🌊'.repeat(1990);
