// What the integration tests do over and over against the real server: open sockets that are
// closed after each test, make names no other test uses, and the few contract steps (chat, dm,
// create, join, leave) that wait for the server's answer.
import { afterEach, expect } from 'vitest';
import type { ChatMessage, DirectMessage, ServerMessage, ServerMessages, User } from '../../src/shared/protocol/index.js';
import { TestClient } from './client.js';
import type { SignedIn, TestServer } from './server.js';

/** The sockets a test file opens; each is closed after its test. Make one per file, at the top. */
export class Sockets {
  private readonly open: TestClient[] = [];

  constructor() {
    afterEach(() => this.closeAll());
  }

  /** Closes every socket opened so far (before a server restart within a test, say). */
  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((client) => client.close()));
  }

  /** Connects as `who` and waits for the greeting (history or resume, then the lobby list). */
  async ready(server: TestServer, who: SignedIn, since?: number): Promise<TestClient> {
    return this.keep(await TestClient.ready(server.wsUrl, who.cookie, since));
  }

  /** A client opened some other way, to be closed after the test like the rest. */
  keep(client: TestClient): TestClient {
    this.open.push(client);
    return client;
  }
}

let counter = 0;

/** A text no other test sends, so waits cannot match a stray message. */
export function unique(label: string): string {
  return `${label}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
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

/** Sends a DM and waits for the sender's own copy. */
export async function dm(client: TestClient, to: User, data: string): Promise<DirectMessage> {
  client.send({ type: 'dm', to: to.id, data });
  return client.next<DirectMessage>(dmWith(data));
}

/** Creates a room over HTTP as the cookie's user. */
export async function createRoom(server: TestServer, cookie: string, name = roomName()): Promise<string> {
  const response = await fetch(`${server.url}/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  return name;
}

/** Joins and waits for the room's list (the room under its own spelling, whatever case was asked). */
export async function join(client: TestClient, room: string): Promise<ServerMessages['list']> {
  client.send({ type: 'join', room });
  return client.next<ServerMessages['list']>((m) => m.type === 'list' && m.room.toLowerCase() === room.toLowerCase());
}

/** Leaves and waits for this connection's own `left`. */
export async function leave(client: TestClient, room: string): Promise<void> {
  client.send({ type: 'leave', room });
  await client.next((m) => m.type === 'left' && m.room === room);
}
