// Who is in one room now, site-wide (this process's connections, and the users other processes
// have there: remotePresence.ts), as the list bytes every newcomer is sent, and the presence
// changes waiting for the room's next flush (see presenceFlushes.ts for when that is).
import { headerLength, jsonFrame, writeTextHeader } from '../../transport/frame.js';
import { BIG_ROOM, peopleMatching, type ServerMessages, type User } from '../../shared/protocol/index.js';
import { plainFrames, presenceParts, type Change, type PresenceParts } from './presenceFrames.js';

/** A connection as a room sees it. */
export interface Member {
  readonly user: User;
  /** The user as JSON, made once per connection: lists are built from these. */
  readonly userJson: string;
  /** Asked for `presence` frames (`?presence=batch`) instead of one `join`/`left` frame per user. */
  readonly batchPresence: boolean;
  /** Asked for big rooms by number (`?people=lazy`, with batched presence). */
  readonly lazyPeople: boolean;
}

interface UserHere<M> {
  user: User;
  /** The user's JSON as UTF-8, for the list. */
  bytes: Buffer;
  /** The user's connections to this room here. */
  connections: Set<M>;
  /** Whether another process has the user in the room too. */
  elsewhere: boolean;
}

const COMMA = 0x2c;
const LIST_CLOSE = Buffer.from(']}');

/**
 * Who is in one room, and the presence changes not yet sent. Changes are coalesced: they wait
 * for a flush, which frames them once for the whole room, so a burst of N arrivals costs each
 * member one write per flush instead of one per arrival.
 */
export class RoomPresence<M extends Member = Member> {
  /** Every connection in the room in this process, for O(1) fan-out. */
  readonly connections = new Set<M>();
  /** Everyone in the room, here or on another process, each once. */
  private readonly here = new Map<string, UserHere<M>>();
  /**
   * The users as the UTF-8 body of a JSON array, grown in place by appending and rebuilt only
   * after someone leaves; list frames share its bytes, since bytes already written never change.
   */
  private listBody: Buffer | undefined = Buffer.alloc(0);
  private listLength = 0;
  private changes: Change[] = [];
  /** Connections that got a list while changes were waiting: the first change each still needs. */
  private readonly catchUp = new Map<M, number>();
  /** Lazy members that were last told the room's size rather than who is in it. */
  private readonly counted = new Set<M>();
  /** The `list` frame with the number of users, for lazy members, while that number holds. */
  private countList: { users: number; frame: Buffer } | undefined;
  /** The `history` frame of the room's latest page, while no message has been added since. */
  latestHistory: { frame: Buffer; newestId: number } | undefined;
  /** Counts the messages delivered here: a page read while one came is not kept. */
  messagesSeen = 0;
  /** When changes were last sent, for spacing flushes out during a burst. */
  lastFlushAt = 0;
  timer: NodeJS.Timeout | undefined;

  constructor(readonly name: string) {}

  get isEmpty(): boolean {
    return this.connections.size === 0;
  }

  get hasChanges(): boolean {
    return this.changes.length > 0;
  }

  /** How many changes wait: the position the next one will take. */
  get changeCount(): number {
    return this.changes.length;
  }

  /** Everyone in the room, site-wide. */
  users(): User[] {
    return Array.from(this.here.values(), (entry) => entry.user);
  }

  /** The users connected to the room in this process (what a snapshot of it says). */
  localUsers(): User[] {
    const users: User[] = [];
    for (const entry of this.here.values()) if (entry.connections.size > 0) users.push(entry.user);
    return users;
  }

  /** Whether the user is in the room, here or on another process. */
  has(userId: string): boolean {
    return this.here.has(userId);
  }

  /** More people than a lazy member is sent by name. */
  get isBig(): boolean {
    return this.here.size > BIG_ROOM;
  }

  /** The people here whose name matches a `people` request. */
  people(q: string): User[] {
    return peopleMatching(this.users(), q);
  }

  /**
   * What a member entering the room is sent about who is here, as parts to write in a row: the
   * list, or for a lazy member of a big room the list with only the number of people.
   */
  greeting(member: M): readonly Buffer[] {
    if (member.lazyPeople && this.isBig) {
      this.counted.add(member);
      if (this.countList?.users !== this.here.size) {
        const message = { type: 'list', room: this.name, data: [], count: this.here.size } satisfies ServerMessages['list'];
        this.countList = { users: this.here.size, frame: jsonFrame(message) };
      }
      return [this.countList.frame];
    }
    this.counted.delete(member);
    return this.listFrame();
  }

  /**
   * Adds a connection; true when it is its user's first in this process, so the other processes
   * are told (and the room hears `join` unless the user was here already on another one).
   */
  add(member: M): boolean {
    this.connections.add(member);
    const entry = this.here.get(member.user.id);
    if (entry) {
      entry.connections.add(member);
      return entry.connections.size === 1;
    }
    this.enlist({ user: member.user, bytes: Buffer.from(member.userJson), connections: new Set([member]), elsewhere: false });
    return true;
  }

  /**
   * Removes a connection; true when it was its user's last in this process, so the other processes
   * are told (and the room hears `left` unless another process still has the user).
   */
  remove(member: M): boolean {
    if (!this.connections.delete(member)) return false;
    this.catchUp.delete(member);
    this.counted.delete(member);
    const entry = this.here.get(member.user.id);
    if (!entry) return false;
    entry.connections.delete(member);
    if (entry.connections.size > 0) return false;
    if (!entry.elsewhere) this.unlist(member.user.id);
    return true;
  }

  /**
   * Whether another process has the user in the room (remotePresence.ts says when that changes);
   * true when that made the user arrive in the room or leave it, site-wide, so a change is due.
   */
  setElsewhere(user: User, userJson: string, elsewhere: boolean): boolean {
    const entry = this.here.get(user.id);
    if (entry) {
      entry.elsewhere = elsewhere;
      if (elsewhere || entry.connections.size > 0) return false;
      this.unlist(user.id);
      return true;
    }
    if (!elsewhere) return false;
    this.enlist({ user, bytes: Buffer.from(userJson), connections: new Set(), elsewhere: true });
    return true;
  }

  private enlist(entry: UserHere<M>): void {
    this.here.set(entry.user.id, entry);
    if (this.listBody) this.appendToList(entry.bytes);
  }

  private unlist(userId: string): void {
    this.here.delete(userId);
    // Rebuilt on the next list: frames already queued keep the old bytes.
    this.listBody = undefined;
  }

  /** Records a change for the next flush; returns its position. */
  record(kind: 'join' | 'left', user: User, userJson: string): number {
    return this.changes.push({ kind, user, userJson }) - 1;
  }

  /**
   * The `list` frame (the users here now, each once) as three buffers to write in a row: header
   * and opening, the shared body, the closing. Built by hand so that the body is never copied;
   * the same shape as ServerMessages['list'].
   */
  listFrame(): Buffer[] {
    if (!this.listBody) {
      this.listBody = Buffer.allocUnsafe(0);
      this.listLength = 0;
      for (const entry of this.here.values()) this.appendToList(entry.bytes);
    }
    const body = this.listBody.subarray(0, this.listLength);
    const open = Buffer.from(`{"type":"list","room":${JSON.stringify(this.name)},"data":[`);
    const payload = open.length + body.length + LIST_CLOSE.length;
    const head = Buffer.allocUnsafe(headerLength(payload) + open.length);
    writeTextHeader(head, payload);
    open.copy(head, head.length - open.length);
    return [head, body, LIST_CLOSE];
  }

  /** Adds a user to the list body, doubling its room when full (the old bytes stay as they were). */
  private appendToList(bytes: Buffer): void {
    const body = this.listBody!;
    const needed = this.listLength + 1 + bytes.length;
    if (needed > body.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, body.length * 2, 1024));
      body.copy(grown, 0, 0, this.listLength);
      this.listBody = grown;
    }
    if (this.listLength > 0) this.listBody![this.listLength++] = COMMA;
    this.listLength += bytes.copy(this.listBody!, this.listLength);
  }

  /**
   * Notes that a member's view is up to date up to now (it just got a list), or up to the change
   * at `from` when given: at the next flush it gets only the changes from there on.
   */
  markListed(member: M, from = this.changes.length): void {
    if (this.changes.length > 0) this.catchUp.set(member, from);
  }

  /**
   * Frames the waiting changes once and hands every member what it has not seen yet, as the parts
   * of one write (shared bytes between a head and a tail of its own, see `presenceParts`).
   */
  flush(queue: (member: M, parts: readonly Buffer[]) => void): void {
    const changes = this.changes;
    if (changes.length === 0) return;
    this.changes = [];
    const catchUp = new Map(this.catchUp);
    this.catchUp.clear();

    let plain: { frames: Buffer; offsets: number[] } | undefined;
    let batch: PresenceParts | undefined;
    let count: readonly Buffer[] | undefined;
    let list: readonly Buffer[] | undefined;
    const big = this.isBig;
    for (const member of this.connections) {
      const from = catchUp.get(member) ?? 0;
      if (from >= changes.length) continue;
      if (member.lazyPeople && big) {
        // A big room: the number of people, one small frame for all.
        count ??= [jsonFrame({ type: 'presence', room: this.name, joined: [], left: [], count: this.here.size } satisfies ServerMessages['presence'])];
        queue(member, count);
        this.counted.add(member);
      } else if (member.lazyPeople && this.counted.delete(member)) {
        // Small again: who is here, in full, replaces the number.
        list ??= this.listFrame();
        queue(member, list);
      } else if (member.batchPresence) {
        batch ??= presenceParts(this.name, changes);
        const parts = batch(from);
        if (parts) queue(member, parts);
      } else {
        plain ??= plainFrames(this.name, changes);
        queue(member, [from === 0 ? plain.frames : plain.frames.subarray(plain.offsets[from])]);
      }
    }
  }
}
