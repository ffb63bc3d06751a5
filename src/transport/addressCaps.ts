// Open WebSockets per client address, counted before the handshake so that a burst from one
// address costs no more than a refusal; counted where the counters are (the whole site with Redis).
import type { Duplex } from 'node:stream';
import type { ConnectionCap, Counters } from '../limits/counters.js';

export class AddressCaps {
  private readonly cap: ConnectionCap;

  /** `max` of 0 means no cap. */
  constructor(counters: Counters, max: number) {
    this.cap = counters.cap('address', max);
  }

  /** Counts the socket against its address until it closes; false when the address is at its cap (or the socket went meanwhile). */
  async admit(address: string, socket: Duplex): Promise<boolean> {
    const admitted = await this.cap.admit(address);
    if (!admitted) return false;
    if (socket.destroyed) {
      admitted.release();
      return false;
    }
    socket.once('close', () => admitted.release());
    return true;
  }
}
