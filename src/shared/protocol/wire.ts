// The WebSocket's fixed points: where it is, how it closes, and the query parameters that ask for
// the page's extensions. Shared by the server and the browser bundle.

export const WS_PATH = '/ws/chat';

/** Close codes, named once (RFC 6455 codes plus our 4001). */
export const CloseCode = {
  /** Server going away: shutdown. */
  GOING_AWAY: 1001,
  /** A frame the other side should never have sent (a client closes with it on a broken frame). */
  PROTOCOL_ERROR: 1002,
  /** A binary frame. */
  UNSUPPORTED_DATA: 1003,
  /** Kept sending past the rate limit. */
  POLICY_VIOLATION: 1008,
  /** Something broke on our side while handling a frame; the client reconnects. */
  INTERNAL_ERROR: 1011,
  /** The store cannot be reached (PostgreSQL away), so the connection cannot be served or resumed: reconnect later. */
  TRY_AGAIN_LATER: 1013,
  /** Frame over the size limit (ws closes with it itself when maxPayload is exceeded). */
  MESSAGE_TOO_BIG: 1009,
  /** This process missed too much to send it live (a long bus outage): reconnect and resume with `since`. */
  SERVICE_RESTART: 1012,
  /** Reported, never sent: a close frame that carried no code. */
  NO_STATUS: 1005,
  /** Reported, never sent: the connection ended without a close frame. */
  ABNORMAL: 1006,
  /** No valid identity cookie: the browser goes to /signin. */
  INVALID_USER: 4001,
  /** The client's address is blocked by a moderator for now: the page says so and does not reconnect at once. */
  ADDRESS_BLOCKED: 4003,
} as const;

export const CloseReason = {
  INVALID_USER: 'Invalid user',
  GOING_AWAY: 'Server shutting down',
  BINARY: 'Binary frames are not supported',
  RATE_LIMITED: 'Rate limit exceeded',
  SIGNED_OUT: 'Signed out',
  INTERNAL_ERROR: 'Internal error',
  STORE_UNAVAILABLE: 'Storage unavailable',
  TOO_MANY_CONNECTIONS: 'Too many connections',
  RESUME: 'Reconnect and resume',
  REMOVED: 'Removed by a moderator',
  ADDRESS_BLOCKED: 'Address blocked',
} as const;

/** `?since=<id>`: resume after that message id instead of the latest history. */
export const SINCE_PARAM = 'since';
/** `?changes=<n>` (with `since`): after the missed messages, every change after `n` to older ones. */
export const CHANGES_PARAM = 'changes';
/** `?presence=batch`: batched `presence` frames instead of one `join`/`left` each. */
export const PRESENCE_PARAM = 'presence';
export const PRESENCE_BATCH = 'batch';
/**
 * `?people=lazy` (with `presence=batch`): in a room with more than BIG_ROOM people online, such a
 * connection gets how many are there (`list` and `presence` with `count`, no users) and finds
 * people with `people` requests, instead of a list that every arrival would resend in full.
 */
export const PEOPLE_PARAM = 'people';
export const PEOPLE_LAZY = 'lazy';
/**
 * `?rooms=changes`: a room made is announced as `{"type":"room","change":"created","room"}`
 * instead of the contract's `rooms` with every name, which grows with the site.
 */
export const ROOMS_PARAM = 'rooms';
export const ROOMS_CHANGES = 'changes';
/**
 * `?counts=live`: `{"type":"counts","data":[{"room","count"}]}` whenever public rooms' head-counts
 * changed (coalesced), so a page's counts of rooms it is not in stay true.
 */
export const COUNTS_PARAM = 'counts';
export const COUNTS_LIVE = 'live';
