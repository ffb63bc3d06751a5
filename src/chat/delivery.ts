// Bus events to this process's sockets. Every process's hub receives every event and delivers it
// to its own matching connections, framing each message once for all of them.
import type { BusEvent, Origin } from '../bus/bus.js';
import { jsonFrame } from '../transport/frame.js';
import { conversationKey, type ServerMessage } from '../shared/protocol/index.js';
import type { Connection } from './connection.js';
import type { Connections } from './connections.js';
import type { PresenceSync } from './presence/presenceSync.js';
import { DM_SCOPE } from './resume.js';
import { leftMessage, type Rooms } from './rooms.js';
import type { Carried } from './sendQueue.js';

/** `sync`: what the hubs say about who is where (presence, hello, snapshot, alive, goodbye) goes to it. */
export function deliver(event: BusEvent, connections: Connections, rooms: Rooms, sync: PresenceSync): void {
  switch (event.kind) {
    case 'room': {
      const state = rooms.get(event.room);
      if (!state) return;
      // Presence first, so nobody reads a message from someone before hearing they joined.
      if (state.hasChanges) rooms.presence.flush(state);
      // A changed message must not come back as it was with the next joiner's latest page either.
      const type = event.message.type;
      if (type === 'chat' || type === 'deleted' || type === 'edited' || type === 'reactions') {
        state.latestHistory = undefined;
        state.messagesSeen++;
      }
      const frame = jsonFrame(event.message);
      const carried = carriedBy(event.message);
      for (const connection of state.connections) {
        if (connection.id === event.except || connection.user.id === event.exceptUser) continue;
        connection.send(frameFor(connection, event.message, frame, event.origin), carried);
      }
      return;
    }
    case 'users': {
      const frame = jsonFrame(event.message);
      const carried = carriedBy(event.message);
      for (const userId of event.userIds) {
        for (const connection of connections.ofUser(userId)) {
          if (connection.id === event.except || (event.roomChanges && !connection.roomChanges)) continue;
          connection.send(frameFor(connection, event.message, frame, event.origin), carried);
        }
      }
      return;
    }
    case 'connection': {
      for (const connection of connections.ofUser(event.userId)) {
        if (connection.id !== event.connectionId) continue;
        // An ordered reply comes after every change recorded before it, coalescing or not.
        for (const room of connection.rooms) {
          const state = rooms.get(room);
          if (state?.hasChanges) rooms.presence.flush(state);
        }
        connection.send(jsonFrame(event.message));
      }
      return;
    }
    case 'roomChange': {
      if (event.members) {
        privateRoomChange(event, event.members, connections);
      } else {
        // The contract's `rooms` (every name) for plain clients; the change alone for those who asked.
        let names: Buffer | undefined;
        let change: Buffer | undefined;
        for (const connection of connections) {
          if (connection.roomChanges) connection.send((change ??= jsonFrame({ type: 'room', change: event.change, room: event.room })));
          else connection.send((names ??= jsonFrame({ type: 'rooms', data: event.names })));
        }
      }
      // Then nobody is in a room that ended: each connection there hears its own `left`, as on
      // leaving (after the change, so that a page knows why it is out).
      if (event.change !== 'created') evacuate(rooms, event.room);
      return;
    }
    case 'evict': {
      if (event.notice) {
        const frame = jsonFrame(event.notice);
        for (const userId of new Set([event.userId, ...(event.tell ?? [])])) {
          for (const connection of connections.ofUser(userId)) connection.send(frame);
        }
      }
      // Each connection hears its own `left`, as on leaving, whether or not it was the user's last there.
      for (const connection of connections.ofUser(event.userId)) {
        if (connection.rooms.has(event.room) && !rooms.leave(connection, event.room)) connection.send(jsonFrame(leftMessage(event.room, connection.user)));
      }
      return;
    }
    case 'roomLock': {
      const state = rooms.get(event.room);
      if (!state) return;
      const frame = jsonFrame({ type: 'locked', room: event.room, locked: event.locked });
      for (const connection of state.connections) connection.send(frame);
      return;
    }
    case 'presence':
    case 'hello':
    case 'snapshot':
    case 'alive':
    case 'goodbye':
      sync.receive(event);
      return;
    case 'disconnect':
      for (const connection of connections.ofUser(event.userId)) {
        if (event.sessionId === undefined || connection.sessionId === event.sessionId) connection.peer.close(event.code, event.reason);
      }
      return;
  }
}

/**
 * A private room made or ended: its members hear it, nobody else (plain clients' `rooms` lists
 * only rooms everyone may see, so it has not changed for them: they are told nothing).
 */
function privateRoomChange(event: Extract<BusEvent, { kind: 'roomChange' }>, members: string[], connections: Connections): void {
  const frame = jsonFrame({ type: 'room', change: event.change, room: event.room, private: true });
  for (const userId of members) {
    for (const connection of connections.ofUser(userId)) if (connection.roomChanges) connection.send(frame);
  }
}

/** A stored message's id and conversation (or a change's, with its number), so a replay that sent it already is not followed by it again. */
function carriedBy(message: ServerMessage): Carried | undefined {
  if (message.type === 'chat') return { id: message.id, scope: conversationKey({ room: message.room }) };
  if (message.type === 'dm') return { id: message.id, scope: DM_SCOPE };
  if (message.type === 'edited' || message.type === 'deleted' || message.type === 'reactions') {
    return { id: message.id, scope: 'room' in message ? conversationKey({ room: message.room }) : DM_SCOPE, change: message.change };
  }
  return undefined;
}

/** Takes every connection of this process out of a room that was archived or deleted. */
function evacuate(rooms: Rooms, room: string): void {
  const state = rooms.get(room);
  if (state) for (const connection of [...state.connections]) rooms.leave(connection, room);
}

/** The shared frame, or for the sender's own connection the message with its `ref`. */
function frameFor(connection: Connection, message: ServerMessage, frame: Buffer, origin: Origin | undefined): Buffer {
  if (origin?.ref === undefined || origin.connectionId !== connection.id) return frame;
  return jsonFrame({ ...message, ref: origin.ref });
}
