// Blocking an address: how long a block may last (a few choices), and what is blocked: an address
// as typed, or the last sign-in address of the person named, as the per-address limits count it
// (web/clientAddress.ts: an IPv4 address, an IPv6 /64).
import net from 'node:net';
import { nameKey } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import { addressKey } from '../web/clientAddress.js';
import { ModerationRefusal } from './refusal.js';

const MINUTE = 60_000;
export const BLOCK_DURATIONS = { '10m': 10 * MINUTE, '1h': 60 * MINUTE, '1d': 24 * 60 * MINUTE, '7d': 7 * 24 * 60 * MINUTE } as const;
export type BlockDuration = keyof typeof BLOCK_DURATIONS;

/** An address (or a /64 as the limits write it) as its key; else the named person's last sign-in address. */
export async function blockTarget(store: Store, target: string): Promise<string> {
  const typed = target.trim();
  const bare = typed.endsWith('::/64') ? typed.slice(0, -3) : typed;
  if (net.isIP(bare) !== 0) return addressKey(typed);
  if (typed === '') throw new ModerationRefusal(400, 'moderation.badTarget');
  const holder = await store.nameHolder(nameKey(typed), Date.now());
  if (!holder) throw new ModerationRefusal(404, 'moderation.noSuchPerson', { name: typed });
  const address = await store.moderation.lastAddress(holder.user.id);
  if (address === undefined) throw new ModerationRefusal(404, 'moderation.noAddress', { name: holder.user.name });
  return address;
}
