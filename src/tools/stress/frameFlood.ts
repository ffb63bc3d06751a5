// A flood of protocol frames from one user's tabs for a fixed time, each tab sending as fast as
// the server reads, and opening again whenever the server closes it: what the read, join/leave
// and history floods share. It counts the refusals, the other errors, the closes and the bytes
// the tabs were sent.
import type { ClientMessage, ServerMessage } from '../../shared/protocol/index.js';
import type { Account } from '../kit/http.js';
import { range, sleep } from '../kit/wait.js';
import type { Context } from './attack.js';
import { count, tally } from './format.js';
import { FAR_FUTURE_ID } from './sizes.js';
import { connect, type Conn } from './users.js';

/** Frames a tab sends in one turn of the tool's event loop, so that the pair's echoes are read in between. */
const BURST = 20;
/** A tab waits while this much it sent is not written to the network yet: it sends as fast as the server reads. */
const HIGH_WATER_BYTES = 64 * 1024;

export interface FloodOptions {
  tabs: number;
  ms: number;
  /** The i-th frame of tab `tab`. */
  frame: (i: number, tab: number) => ClientMessage;
  /** Every message the tabs are sent but errors (counted here). */
  onMessage?: (message: ServerMessage) => void;
}

export interface Flood {
  sent: number;
  /** `rate_limited` answers. */
  refused: number;
  /** Any other error, by code. */
  errors: Map<string, number>;
  /** The server's closes, by code. */
  closes: Map<string | number, number>;
  /** Tabs opened again after the server closed them. */
  reconnects: number;
  /** Bytes the tabs were sent. */
  bytes: number;
}

/** The flood's refusals and closes, for the table. */
export function describeFlood(flood: Flood): string {
  return (
    `${flood.refused} rate_limited, closes ${tally(flood.closes)}, ${flood.reconnects} reconnects` +
    `${flood.errors.size ? `, other errors ${tally(flood.errors)}` : ''}`
  );
}

export async function floodFrames(context: Context, account: Account, options: FloodOptions): Promise<Flood> {
  const flood: Flood = { sent: 0, refused: 0, errors: new Map(), closes: new Map(), reconnects: 0, bytes: 0 };
  const onMessage = (message: ServerMessage) => {
    if (message.type !== 'error') return options.onMessage?.(message);
    if (message.data.code === 'rate_limited') flood.refused++;
    else count(flood.errors, message.data.code);
  };
  // Tabs the flood itself ends: their close is not the server's.
  const ended = new Set<Conn>();
  const open = async (): Promise<Conn | undefined> => {
    const conn = await connect(context.target, account, { greeted: true, since: FAR_FUTURE_ID, onMessage }).catch(() => undefined);
    void conn?.closed.then((closed) => {
      if (!ended.has(conn)) count(flood.closes, closed.code);
      flood.bytes += conn.bytes;
    });
    return conn;
  };
  const tabs = await Promise.all(range(options.tabs).map(open));
  const deadline = Date.now() + options.ms;
  await Promise.all(
    tabs.map(async (first, t) => {
      let conn = first;
      let i = 0;
      while (Date.now() < deadline) {
        if (!conn?.isOpen) {
          if (conn) flood.reconnects++;
          conn = await open();
          if (!conn) await sleep(50);
          continue;
        }
        if (conn.socket.bufferedAmount > HIGH_WATER_BYTES) {
          await sleep(1);
          continue;
        }
        for (let k = 0; k < BURST; k++) conn.send(options.frame(i++, t));
        flood.sent += BURST;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // What is on its way is answered (or refused) before the tab goes.
      await sleep(200);
      if (conn) ended.add(conn);
      conn?.terminate();
    }),
  );
  await sleep(20);
  return flood;
}
