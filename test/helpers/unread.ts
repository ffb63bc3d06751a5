// What the unread and read suites share: the `unread` a connection is greeted with, an entry of it,
// and a read marker set and heard by another tab of the same user.
import { expect } from 'vitest';
import type { ServerMessage, ServerMessages, UnreadEntry } from '../../src/shared/protocol/index.js';
import type { TestClient } from './client.js';
import type { ServerFixture } from './fixture.js';
import type { SignedIn } from './server.js';

type ListMessage = ServerMessages['list'];
type UnreadMessage = ServerMessages['unread'];
type ReadMessage = ServerMessages['read'];

/** Connects, waits for the greeting and returns the `unread` that follows the lobby list ([] when none came). */
export async function connectWithUnread(chat: ServerFixture, who: SignedIn): Promise<{ client: TestClient; unread: UnreadEntry[] }> {
  const client = await chat.open(who);
  const list = await client.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
  const afterList = client.received.indexOf(list);
  // Frames arrive in order: once the pong of a ping sent now is here, an `unread` would be too.
  await client.settle();
  const pong = client.received.findIndex((m, i) => i > afterList && m.type === 'pong');
  const between = client.received.slice(afterList + 1, pong);
  const unread = between.find((m): m is UnreadMessage => m.type === 'unread');
  if (!unread) return { client, unread: [] };
  // right after the lobby list, nothing in between; sent only when something is unread
  expect(between.indexOf(unread)).toBe(0);
  expect(unread.data.length).toBeGreaterThan(0);
  await client.next((m) => m === unread);
  return { client, unread: unread.data };
}

export function entryFor(entries: UnreadEntry[], about: { room: string } | { with: string }): UnreadEntry | undefined {
  return entries.find((e) => ('room' in about ? 'room' in e && e.room === about.room : 'with' in e && e.with === about.with));
}

export const isRead = (m: ServerMessage): boolean => m.type === 'read';

/** Sends a read and waits until another tab of the same user has heard it (the marker is stored then). */
export async function markRead(client: TestClient, witness: TestClient, about: { room: string } | { with: string }, id: number): Promise<ReadMessage> {
  client.send({ type: 'read', ...about, id });
  return witness.next<ReadMessage>(isRead);
}
