// Idle TCP: many plain TCP connections that never send a byte, and a few that send half a
// request, against a server whose connection cap is set just below their number: the cap's 503
// for those past it, and how long the server lets the others stay.
import net from 'node:net';
import { DEFAULTS } from '../../../config.js';
import { request } from '../../kit/http.js';
import { pool, range, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, seconds, tally } from '../format.js';
import type { Settings } from '../target.js';

/** Connections that send the start of a request and then nothing. */
const HALF_REQUESTS = 5;

export function idleTcpSettings(context: Context): Settings {
  const { idleCap, idleHeadersTimeoutMs } = context.sizes;
  return { MAX_CONNECTIONS: String(idleCap), ...(idleHeadersTimeoutMs === undefined ? {} : { HEADERS_TIMEOUT_MS: String(idleHeadersTimeoutMs) }) };
}

interface Held {
  socket: net.Socket;
  openedAt: number;
  /** The status the server answered (or its first line), if it sent anything. */
  answer?: string;
  /** How long after connecting the answer came. */
  answeredAfterMs?: number;
  error?: string;
  closedAfterMs?: number;
}

/** A TCP connection that sends nothing, or half a request; resolves once connected (or failed). */
function hold(context: Context, local: string | undefined, half: boolean): Promise<Held> {
  const { hostname } = context.target.url;
  const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: context.target.port, ...(local === undefined ? {} : { localAddress: local }) });
  const held: Held = { socket, openedAt: Date.now() };
  // The status of what it is answered (`HTTP/1.1 503 …`), or the first line when it is not HTTP.
  socket.on('data', (chunk: Buffer) => {
    const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
    held.answer ??= /^HTTP\/1\.\d (\d{3})/.exec(line)?.[1] ?? line;
    held.answeredAfterMs ??= Date.now() - held.openedAt;
  });
  socket.on('error', (error: NodeJS.ErrnoException) => (held.error ??= error.code ?? error.message));
  return new Promise((resolve) => {
    socket.once('connect', () => {
      held.openedAt = Date.now();
      if (half) socket.write('GET / HTTP/1.1\r\nHost: stress\r\n');
      resolve(held);
    });
    socket.once('close', () => {
      held.closedAfterMs = Date.now() - held.openedAt;
      resolve(held);
    });
  });
}

/** The shortest and longest of some durations. */
function spread(values: number[]): string {
  if (values.length === 0) return 'never';
  return `${seconds(Math.min(...values))}–${seconds(Math.max(...values))}`;
}

export async function idleTcp(context: Context): Promise<Outcome> {
  const { target, sizes } = context;
  const n = sizes.idleConnections;
  const timeoutMs = Number(target.settings.HEADERS_TIMEOUT_MS ?? DEFAULTS.headersTimeoutMs);
  const local = context.addresses.fresh();
  const started = Date.now();
  const halves = await Promise.all(range(HALF_REQUESTS).map(() => hold(context, local, true)));
  const idle = await pool(range(n), 100, () => hold(context, local, false));
  const openMs = Date.now() - started;
  // A request while the cap is full.
  const whileFull = await request(target.url, 'GET', '/healthz', { timeoutMs: 5000 }).then(
    (answer) => String(answer.status),
    (error: Error) => error.message,
  );
  const all = [...halves, ...idle];
  // Node looks for requests past their time every fifth of it: give it that, and a little more.
  await until(() => all.every((held) => held.closedAfterMs !== undefined), Math.min(timeoutMs * 1.3 + 2000, sizes.attackMs * 1.5), 50);
  for (const held of all) held.socket.destroy();

  const failedToConnect = (held: Held) => held.error !== undefined && held.answer === undefined;
  const failed = idle.filter(failedToConnect);
  // Past the cap the answer comes at once; one let in may be answered too, when it times out (408).
  const refusedAtOnce = (held: Held) => held.answer !== undefined && (held.answeredAfterMs ?? 0) < timeoutMs / 2;
  const refused = new Map<string, number>();
  for (const held of idle) if (refusedAtOnce(held)) count(refused, held.answer!);
  const admitted = idle.filter((held) => !refusedAtOnce(held) && !failedToConnect(held));
  const timedOutAnswers = new Map<string, number>();
  for (const held of admitted) if (held.answer !== undefined) count(timedOutAnswers, held.answer);
  const closed = admitted.filter((held) => held.closedAfterMs !== undefined);
  const halfAnswers = new Map<string, number>();
  for (const held of halves) count(halfAnswers, held.closedAfterMs === undefined ? 'still open' : (held.answer ?? 'closed, no answer'));
  const cap = target.settings.MAX_CONNECTIONS ?? 'MAX_CONNECTIONS';
  const stillOpen = admitted.length - closed.length;
  return {
    tried: `${n} TCP connections sending nothing and ${HALF_REQUESTS} sending half a request, from one address (opened in ${seconds(openMs)})`,
    happened:
      `${admitted.length} let in, ${closed.length} of them closed by the server after ${spread(closed.map((held) => held.closedAfterMs ?? 0))}` +
      `${timedOutAnswers.size ? ` (answered ${tally(timedOutAnswers)})` : ''}` +
      `${stillOpen ? `, ${stillOpen} still open at the end` : ''}; past the cap of ${cap}: ${tally(refused)}` +
      `${failed.length ? `, ${failed.length} failed to connect` : ''}; GET /healthz while full: ${whileFull}; ` +
      `half requests: ${tally(halfAnswers)} after ${spread(halves.flatMap((held) => (held.closedAfterMs === undefined ? [] : [held.closedAfterMs])))}`,
    // A server this tool started has a known timeout: every silent connection must be gone by then.
    failed: target.own && stillOpen > 0,
  };
}
