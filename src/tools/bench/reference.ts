// What the two reference servers share: who a connection is, the chat envelope they build, and
// starting and stopping the way the product does (URL on stdout, SIGTERM ends it).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOBBY, MAX_REF_LENGTH, WS_PATH, type ChatMessage, type User } from '../../shared/protocol/index.js';

export { WS_PATH };

let nextUser = 0;

/**
 * The user of a connection: no sign-in, anyone is accepted; `?user=<id>` (and `&name=`) names it,
 * so the load generator can give every client its own identity, as it does on the product.
 */
export function userOf(req: http.IncomingMessage): User {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const n = ++nextUser;
  const id = url.searchParams.get('user') || `user-${n}`;
  const name = url.searchParams.get('name') || `bench ${n}`;
  return { id, name, image: n % 12 };
}

/** Whether an upgrade request is for the chat endpoint. */
export function isChatPath(req: http.IncomingMessage): boolean {
  return new URL(req.url ?? '/', 'http://localhost').pathname === WS_PATH;
}

/** The greeting: an empty lobby list, so clients detect "ready" the same way as on the product. */
export const GREETING = { type: 'list', room: LOBBY, data: [] as User[] } as const;

let nextId = 0;

/**
 * A client's `{"type":"chat","room","data","ref"}` as the broadcast message and the sender's ref,
 * or undefined for anything else (the references only carry chat).
 */
export function chatFrom(raw: string, user: User): { message: ChatMessage; ref: string | undefined } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, room, data, ref } = parsed as Record<string, unknown>;
  if (type !== 'chat' || typeof data !== 'string') return undefined;
  const message: ChatMessage = {
    type: 'chat',
    id: ++nextId,
    ts: Date.now(),
    room: typeof room === 'string' ? room : LOBBY,
    user,
    data,
  };
  return { message, ref: typeof ref === 'string' && ref.length <= MAX_REF_LENGTH ? ref : undefined };
}

/** Listens on HOST:PORT (127.0.0.1, an ephemeral port by default), prints the URL, stops on SIGTERM/SIGINT. */
export function serve(server: http.Server, stop: () => void): void {
  const host = process.env.HOST?.trim() || '127.0.0.1';
  const port = Number(process.env.PORT ?? 0) || 0;
  server.listen(port, host, () => {
    const { port: actual } = server.address() as AddressInfo;
    process.stdout.write(`Chat is running at http://${host}:${actual}\n`);
  });
  const shutdown = () => {
    stop();
    server.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
