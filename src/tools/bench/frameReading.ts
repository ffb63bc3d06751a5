// Reading server frames without parsing them: a frame's type from its leading bytes (every server
// here writes `{"type":"…"` first), the users in a list or presence frame by counting braces, a
// chat's sequence number from its `data` and its id. Only a frame in another shape is parsed.

/** What a frame is, from its first bytes. */
export const Kind = {
  OTHER: 0,
  CHAT: 1,
  LIST: 2,
  JOIN: 3,
  LEFT: 4,
  PRESENCE: 5,
  HISTORY: 6,
  ERROR: 7,
  /** A change to a message: `edited`, `reactions` or `deleted`. */
  CHANGE: 8,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const TYPE_PREFIX = Buffer.from('{"type":"');
const BY_NAME: Record<string, Kind> = {
  chat: Kind.CHAT,
  list: Kind.LIST,
  join: Kind.JOIN,
  left: Kind.LEFT,
  presence: Kind.PRESENCE,
  history: Kind.HISTORY,
  error: Kind.ERROR,
  edited: Kind.CHANGE,
  reactions: Kind.CHANGE,
  deleted: Kind.CHANGE,
};

export function frameKind(data: Buffer): Kind {
  if (data.length > 11 && data.compare(TYPE_PREFIX, 0, 9, 0, 9) === 0) {
    const second = data[10];
    switch (data[9]) {
      case 0x63: // c
        return second === 0x68 ? Kind.CHAT : Kind.OTHER; // ch…
      case 0x6c: // l
        return second === 0x69 ? Kind.LIST : second === 0x65 ? Kind.LEFT : Kind.OTHER; // li…, le…
      case 0x6a: // j
        return Kind.JOIN;
      case 0x70: // p
        return Kind.PRESENCE;
      case 0x68: // h
        return Kind.HISTORY;
      case 0x65: // e
        return second === 0x64 ? Kind.CHANGE : Kind.ERROR; // ed…, er…
      case 0x72: // r
        return second === 0x65 && data[11] === 0x61 && data[12] === 0x63 ? Kind.CHANGE : Kind.OTHER; // reac… (not read)
      case 0x64: // d
        return second === 0x65 ? Kind.CHANGE : Kind.OTHER; // de… (not dm)
      default:
        return Kind.OTHER;
    }
  }
  // Another key order: the slow way.
  try {
    const type = (JSON.parse(data.toString('utf8')) as { type?: unknown }).type;
    return typeof type === 'string' ? (BY_NAME[type] ?? Kind.OTHER) : Kind.OTHER;
  } catch {
    return Kind.OTHER;
  }
}

const JOINED_KEY = Buffer.from('"joined":[');
const LEFT_KEY = Buffer.from('"left":[');
const DATA_KEY = Buffer.from('"data":"');
const LIST_DATA_KEY = Buffer.from('"data":[');
const OPEN_BRACE = 0x7b;
/**
 * The shortest user object, `{"id":"a","name":"b","image":0}`, is 31 bytes: after one user's `{`
 * the next `{` is at least 32 bytes further on.
 */
const USER_SKIP = 31;

/**
 * User objects between `from` and `to`: one `{` each, since a user holds no nested object (and the
 * benchmark's names no braces). A plain loop that skips what cannot hold the next one: on the
 * product, newcomers' lists and the presence frames about them each add up to N²/2 users, and this
 * runs over all of them.
 */
export function countUsers(data: Buffer, from: number, to = data.length): number {
  let users = 0;
  for (let i = from; i < to; i++) {
    if (data[i] === OPEN_BRACE) {
      users++;
      i += USER_SKIP - 1;
    }
  }
  return users;
}

/** Users in a `list` frame: the objects after its `"data":[` (the rest of the frame holds none). */
export function countListUsers(data: Buffer): number {
  const at = data.indexOf(LIST_DATA_KEY);
  return at < 0 ? 0 : countUsers(data, at + LIST_DATA_KEY.length);
}

/** A `presence` frame's net change in the number of users: joined minus left. */
export function presenceChange(data: Buffer): number {
  const joined = data.indexOf(JOINED_KEY);
  // From the end: the product writes `left` last, and it is usually short.
  const left = data.lastIndexOf(LEFT_KEY);
  if (joined < 0 && left < 0) return 0;
  if (left < 0) return countUsers(data, joined);
  if (joined < 0) return -countUsers(data, left);
  return joined < left
    ? countUsers(data, joined, left) - countUsers(data, left)
    : countUsers(data, joined) - countUsers(data, left, joined);
}

const COUNT_KEY = Buffer.from(',"count":');
/** `,"count":N}` at the end of a frame is at most this long. */
const COUNT_TAIL = COUNT_KEY.length + 17;

/** The whole number written at `from`; -1 when there is no digit there. */
function numberAt(data: Buffer, from: number): number {
  let n = 0;
  let digits = 0;
  for (let i = from; i < data.length; i++) {
    const c = data[i]!;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    digits++;
  }
  return digits === 0 ? -1 : n;
}

/**
 * The `count` a `list` or `presence` frame ends with (a big room, for a `people=lazy` client), or
 * -1: only the frame's last bytes are looked at, since the product writes `count` last.
 */
export function countOf(data: Buffer): number {
  const at = data.indexOf(COUNT_KEY, Math.max(0, data.length - COUNT_TAIL));
  return at < 0 ? -1 : numberAt(data, at + COUNT_KEY.length);
}

/** The number a benchmark chat's `data` starts with (its sequence number); -1 when there is none. */
export function seqOf(data: Buffer): number {
  const at = data.indexOf(DATA_KEY);
  return at < 0 ? -1 : numberAt(data, at + DATA_KEY.length);
}

const ID_KEY = Buffer.from('"id":');

/** A chat frame's message id (the first `"id":`: the product writes it right after `type`); -1 when there is none. */
export function idOf(data: Buffer): number {
  const at = data.indexOf(ID_KEY);
  return at < 0 ? -1 : numberAt(data, at + ID_KEY.length);
}
