// The frames of one presence flush, built once for the whole room: the contract's `join`/`left`
// frames back to back for plain clients, and for `?presence=batch` clients one `presence` frame
// with the net change, laid out so that members who start at different changes share its bytes.
import { headerLength, jsonFrame, textFrame, writeTextHeader } from '../../transport/frame.js';
import type { User } from '../../shared/protocol/index.js';

/** One recorded arrival or departure, with the user's JSON made once. */
export interface Change {
  kind: 'join' | 'left';
  user: User;
  userJson: string;
}

export function joinText(user: User, room: string): string {
  return `${user.name} joined ${room}`;
}

export function leftText(user: User, room: string): string {
  return `${user.name} left ${room}`;
}

/** A member's `presence` frame from a given change on, as parts to write in a row; null when nothing changed for it. */
export type PresenceParts = (from: number) => readonly Buffer[] | null;

function wrap(frame: Buffer | null): readonly Buffer[] | null {
  return frame ? [frame] : null;
}

/** Every change as its own contract `join`/`left` frame, back to back, with where each starts. */
export function plainFrames(room: string, changes: readonly Change[]): { frames: Buffer; offsets: number[] } {
  const offsets: number[] = [];
  let at = 0;
  const frames = changes.map((change) => {
    const { user } = change;
    const frame =
      change.kind === 'join'
        ? jsonFrame({ type: 'join', room, user, data: joinText(user, room) })
        : jsonFrame({ type: 'left', room, user, data: leftText(user, room) });
    offsets.push(at);
    at += frame.length;
    return frame;
  });
  return { frames: Buffer.concat(frames, at), offsets };
}

/**
 * The `presence` frame with the net effect of the changes from a given one on, for each member
 * of a flush (members listed mid-batch start later). When every change is of one kind (a burst
 * of arrivals, or of departures) each user is in it once and the net effect is the changes
 * themselves: their JSON is laid out once, and every member's frame is that body from its
 * starting change on, between a head and a tail of its own. Otherwise each is built apart.
 */
export function presenceParts(room: string, changes: readonly Change[]): PresenceParts {
  const kind = changes[0]!.kind;
  if (!changes.every((change) => change.kind === kind)) return (from) => wrap(batchFrame(room, changes, from));
  const offsets: number[] = [];
  let at = 0;
  const bodies = changes.map((change, i) => {
    const bytes = Buffer.from(i === 0 ? change.userJson : `,${change.userJson}`);
    offsets.push(i === 0 ? 0 : at + 1);
    at += bytes.length;
    return bytes;
  });
  const body = Buffer.concat(bodies, at);
  // The same shape as ServerMessages['presence'], as batchFrame writes it.
  const name = JSON.stringify(room);
  const open = Buffer.from(kind === 'join' ? `{"type":"presence","room":${name},"joined":[` : `{"type":"presence","room":${name},"joined":[],"left":[`);
  const close = Buffer.from(kind === 'join' ? '],"left":[]}' : ']}');
  const cache = new Map<number, Buffer[]>();
  return (from) => {
    let parts = cache.get(from);
    if (!parts) {
      const shared = body.subarray(offsets[from]);
      const payload = open.length + shared.length + close.length;
      const head = Buffer.allocUnsafe(headerLength(payload) + open.length);
      writeTextHeader(head, payload);
      open.copy(head, head.length - open.length);
      cache.set(from, (parts = [head, shared, close]));
    }
    return parts;
  };
}

/**
 * One `presence` frame with the net effect of the changes from `from` on: who arrived, who went.
 * Someone who came and went within the batch is in neither list. Null when nothing changed.
 */
function batchFrame(room: string, changes: readonly Change[], from: number): Buffer | null {
  const net = new Map<string, { first: Change; last: Change }>();
  for (let i = from; i < changes.length; i++) {
    const change = changes[i]!;
    const seen = net.get(change.user.id);
    if (seen) seen.last = change;
    else net.set(change.user.id, { first: change, last: change });
  }
  const joined: string[] = [];
  const left: string[] = [];
  for (const { first, last } of net.values()) {
    // A join is only recorded for someone absent, a left for someone present.
    if (first.kind === 'join' && last.kind === 'join') joined.push(last.userJson);
    else if (first.kind === 'left' && last.kind === 'left') left.push(last.userJson);
  }
  if (joined.length === 0 && left.length === 0) return null;
  // The same shape as ServerMessages['presence'].
  return textFrame(`{"type":"presence","room":${JSON.stringify(room)},"joined":[${joined.join(',')}],"left":[${left.join(',')}]}`);
}
