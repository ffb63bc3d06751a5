// Open WebSockets per client address, counted before the handshake so that a burst from one
// address costs no more than a refusal.
import type { Duplex } from 'node:stream';

export class AddressCaps {
  private readonly open = new Map<string, number>();

  /** `max` of 0 means no cap. */
  constructor(private readonly max: number) {}

  /** Counts the socket against its address until it closes; false when the address is at its cap. */
  admit(address: string, socket: Duplex): boolean {
    const open = this.open.get(address) ?? 0;
    if (this.max > 0 && open >= this.max) return false;
    this.open.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    });
    return true;
  }
}
