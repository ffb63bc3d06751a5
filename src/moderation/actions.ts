// What owners and moderators do, each action checked, kept and logged in one place, for the HTTP
// routes (the moderation page, the chat page's lock button) and the operator's command alike:
// making and unmaking moderators (owners), removing and restoring people, blocking and lifting
// addresses, locking and unlocking rooms. Each refusal is a ModerationRefusal the caller answers.
// An action and its log line are written in one turn, so they commit together.
import type { BusEvent } from '../bus/bus.js';
import { isModerator, isOwner, moderates } from '../identity/roles.js';
import { CloseCode, CloseReason, nameKey, type User } from '../shared/protocol/index.js';
import type { ModerationAction, Role } from '../store/moderation.js';
import type { NameHolder, Store } from '../store/store.js';
import { blockTarget, type BlockDuration, BLOCK_DURATIONS } from './blocks.js';
import { ModerationRefusal } from './refusal.js';

export { ModerationRefusal };

/** Who acts: a signed-in user, or the operator at the command line (no id). */
export type Actor = Pick<User, 'name'> & { id?: string };

export interface ModerationDeps {
  store: Store;
  /** Out to every process (sign-outs of the removed, locks). */
  publish(event: BusEvent): void;
}

export class Moderation {
  constructor(private readonly deps: ModerationDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  /** Throws unless the actor moderates (owners do too). */
  async mustModerate(actor: Actor): Promise<void> {
    if (actor.id === undefined || !(await isModerator(this.store, { id: actor.id }))) throw new ModerationRefusal(403, 'moderation.forbidden');
  }

  private async mustOwn(actor: Actor): Promise<void> {
    if (actor.id === undefined || !(await isOwner(this.store, { id: actor.id }))) throw new ModerationRefusal(403, 'moderation.ownersOnly');
  }

  /** The person who holds the name now, or 404. */
  private async holder(name: string): Promise<NameHolder> {
    const holder = name.trim() === '' ? undefined : await this.store.nameHolder(nameKey(name), Date.now());
    if (!holder) throw new ModerationRefusal(404, 'moderation.noSuchPerson', { name });
    return holder;
  }

  private record(actor: Actor, action: ModerationAction, target: string, at: number, detail?: string): Promise<void> {
    const who = actor.id === undefined ? { name: actor.name } : { id: actor.id, name: actor.name };
    return this.store.moderation.record({ at, actor: who, action, target, ...(detail === undefined ? {} : { detail }) });
  }

  /** Gives an account a role (the operator: owner; an owner: moderator). Only accounts (a password) may have one. */
  async grant(actor: Actor, name: string, role: Role): Promise<User> {
    if (actor.id !== undefined) await this.mustOwn(actor);
    const holder = await this.holder(name);
    const target = holder.user;
    if (holder.passwordHash === undefined) throw new ModerationRefusal(400, 'moderation.notAccount', { name: target.name });
    const had = await this.store.moderation.roleOf(target.id);
    if (role === 'moderator' && had === 'owner') throw new ModerationRefusal(409, 'moderation.isOwner', { name: target.name });
    if (had !== role) {
      const now = Date.now();
      await Promise.all([this.store.moderation.setRole(target.id, role, now), this.record(actor, `grant_${role}`, target.name, now)]);
    }
    return { id: target.id, name: target.name, image: target.image };
  }

  /** Takes a role away: an owner unmakes a moderator (by id); the operator an owner or a moderator (by name, `role` left out: whichever they have). */
  async revoke(actor: Actor, who: { id: string } | { name: string }, role?: Role): Promise<Role> {
    if (actor.id !== undefined) await this.mustOwn(actor);
    const user = 'id' in who ? await this.store.getUser(who.id) : (await this.holder(who.name)).user;
    const had = user && (await this.store.moderation.roleOf(user.id));
    if (!user || had === undefined || (role !== undefined && had !== role)) throw new ModerationRefusal(404, 'moderation.notModerator');
    const now = Date.now();
    await Promise.all([this.store.moderation.setRole(user.id, undefined, now), this.record(actor, `revoke_${had}`, user.name, now)]);
    return had;
  }

  /**
   * Removes a person: their name cannot sign in until restored, and every session of theirs ends at
   * once, on every process (the bus's `disconnect`; a process whose bus was away finds the
   * sessions ended when it is back). Owners and moderators are unmade first.
   */
  async remove(actor: Actor, name: string): Promise<User> {
    await this.mustModerate(actor);
    const { user } = await this.holder(name);
    if (moderates(await this.store.moderation.roleOf(user.id))) throw new ModerationRefusal(409, 'moderation.staffStays', { name: user.name });
    const now = Date.now();
    await Promise.all([
      this.store.moderation.remove({ userId: user.id, key: nameKey(user.name), name: user.name }, now),
      this.store.endSessionsOf(user.id, now),
      this.record(actor, 'remove', user.name, now),
    ]);
    this.deps.publish({ kind: 'disconnect', userId: user.id, code: CloseCode.INVALID_USER, reason: CloseReason.REMOVED });
    return { id: user.id, name: user.name, image: user.image };
  }

  async restore(actor: Actor, userId: string): Promise<void> {
    await this.mustModerate(actor);
    const removed = (await this.store.moderation.removedPeople()).find((person) => person.userId === userId);
    if (!removed) throw new ModerationRefusal(404, 'moderation.notRemoved');
    const now = Date.now();
    await Promise.all([this.store.moderation.restore(userId), this.record(actor, 'restore', removed.name, now)]);
  }

  /** Blocks an address (or the last sign-in address of the person named) for one of the durations. */
  async block(actor: Actor, target: string, duration: string, actorAddress: string): Promise<{ address: string; until: number }> {
    await this.mustModerate(actor);
    const ms = BLOCK_DURATIONS[duration as BlockDuration];
    if (ms === undefined) throw new ModerationRefusal(400, 'moderation.badDuration');
    const address = await blockTarget(this.store, target);
    if (address === actorAddress) throw new ModerationRefusal(409, 'moderation.ownAddress');
    const now = Date.now();
    const until = now + ms;
    const detail = address === target.trim() ? duration : `${target.trim()}, ${duration}`;
    await Promise.all([this.store.moderation.block(address, until, now), this.record(actor, 'block', address, now, detail)]);
    return { address, until };
  }

  async unblock(actor: Actor, address: string): Promise<void> {
    await this.mustModerate(actor);
    const now = Date.now();
    if (!(await this.store.moderation.unblock(address))) throw new ModerationRefusal(404, 'moderation.notBlocked');
    await this.record(actor, 'unblock', address, now);
  }

  /** Locks (or unlocks) a room: read-only but for moderators, on every process at once. */
  async setLock(actor: Actor, name: string, locked: boolean): Promise<string> {
    await this.mustModerate(actor);
    const room = await this.store.findRoom(name);
    if (!room) throw new ModerationRefusal(404, 'rooms.notFound', { name });
    const now = Date.now();
    const changed = locked ? this.store.moderation.lock(room.name, now) : this.store.moderation.unlock(room.name);
    if (!(await changed)) throw new ModerationRefusal(409, locked ? 'moderation.alreadyLocked' : 'moderation.notLocked', { room: room.name });
    await this.record(actor, locked ? 'lock' : 'unlock', room.name, now);
    this.deps.publish({ kind: 'roomLock', room: room.name, locked });
    return room.name;
  }
}
