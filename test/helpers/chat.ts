// What the integration tests do over and over against the real server (which test/helpers/fixture.ts
// starts): make names no other test uses, match messages, take the few contract steps (chat, dm,
// join, leave) that wait for the server's answer, and see how a connection ended.
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { ChatMessage, DirectMessage, ServerMessage, ServerMessages, StoredMessage, User } from '../../src/shared/protocol/index.js';
import type { TestClient } from './client.js';

let counter = 0;

/** A text no other test sends, so waits cannot match a stray message. */
export function unique(label: string): string {
  return `${label}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A name no other user here has or starts with, so `@name` mentions only this one. */
export function personName(label: string): string {
  return `${label}${++counter}x${Math.random().toString(36).slice(2, 6)}`;
}

/** A fresh valid room name (letters and digits only). */
export function roomName(label = 'room'): string {
  return `${label}${++counter}${Math.random().toString(36).slice(2, 6)}`;
}

export function chatWith(data: string) {
  return (m: ServerMessage): boolean => m.type === 'chat' && m.data === data;
}

export function dmWith(data: string) {
  return (m: ServerMessage): boolean => m.type === 'dm' && m.data === data;
}

export const isError = (m: ServerMessage): boolean => m.type === 'error';

export const isChatOrDm = (m: ServerMessage): m is StoredMessage => m.type === 'chat' || m.type === 'dm';

/** What a stored message looks like to everyone but its sender's connection: without a `ref`. */
export function plain(message: StoredMessage): StoredMessage {
  const { ref: _ref, ...rest } = message;
  return rest as StoredMessage;
}

export function presence(type: 'join' | 'left', user: User, room = 'lobby') {
  return (m: ServerMessage): boolean => m.type === type && m.room === room && m.user.id === user.id;
}

/** A user as the contract shows one: exactly `id`, `name` and `image`. */
export function userShape(user: User): User {
  return { id: user.id, name: user.name, image: user.image };
}

/** Sends a chat and waits for the sender's own copy. */
export async function say(client: TestClient, data: string, room = 'lobby'): Promise<ChatMessage> {
  client.send({ type: 'chat', room, data });
  return client.next<ChatMessage>(chatWith(data));
}

/** The error a connection gets for a frame (sent with a ref of its own), whole. */
export async function refusal(client: TestClient, message: object): Promise<Extract<ServerMessage, { type: 'error' }>['data']> {
  const ref = unique('ref');
  client.send({ ...message, ref });
  return (await client.next<Extract<ServerMessage, { type: 'error' }>>((m) => m.type === 'error' && m.ref === ref)).data;
}

/** Sends a DM and waits for the sender's own copy. */
export async function dm(client: TestClient, to: User, data: string): Promise<DirectMessage> {
  client.send({ type: 'dm', to: to.id, data });
  return client.next<DirectMessage>(dmWith(data));
}

/** Joins and waits for the room's list (the room under its own spelling, whatever case was asked). */
export async function join(client: TestClient, room: string): Promise<ServerMessages['list']> {
  client.send({ type: 'join', room });
  return client.next<ServerMessages['list']>((m) => m.type === 'list' && m.room.toLowerCase() === room.toLowerCase());
}

/** Each client joins the room, one after another. */
export async function joinAll(room: string, ...clients: TestClient[]): Promise<void> {
  for (const client of clients) await join(client, room);
}

/** Leaves and waits for this connection's own `left`. */
export async function leave(client: TestClient, room: string): Promise<void> {
  client.send({ type: 'leave', room });
  await client.next((m) => m.type === 'left' && m.room === room);
}

/** Proves the connection is open and working: a chat goes out and comes back. */
export async function expectStillChatting(client: TestClient): Promise<void> {
  const text = unique('still-here');
  const echo = await say(client, text);
  expect(echo.data).toBe(text);
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
}

/** How the server closed the connection, failing fast when it does not. */
export function closeCode(client: TestClient, timeoutMs = 3000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    client.closed.then((closed) => closed.code),
    new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Expects that nothing `client` received and has not consumed matches, once it has settled (a
 * ping's pong comes after everything the server already had for the connection). Make sure first
 * that the server has handled what would have caused it: the sender's own echo or error arrived, or
 * the sender settled. Presence waits for its room's flush: see `flushPresence`.
 */
export async function expectNone(client: TestClient, predicate: (m: ServerMessage) => boolean): Promise<void> {
  await client.settle();
  expect(client.pending(predicate)).toEqual([]);
}

/**
 * Says something in the room and waits for the sender's own copy: the room's waiting presence goes
 * out before any message to it, so whatever `join` or `left` the server had for the room by then
 * has reached this client, and every other member, before the copy.
 */
export async function flushPresence(client: TestClient, room = 'lobby'): Promise<void> {
  await say(client, unique('after the presence'), room);
}
