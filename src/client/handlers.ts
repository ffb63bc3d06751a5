// What the page does with each message from the server: one entry per type, each handing the
// message to the module that owns it. A type added to the protocol stops this compiling until handled.
import { type ServerMessage, type ServerMessages } from '../shared/protocol/index.js';
import { wsErrorKey } from '../shared/i18n/index.js';
import { closeRoom, dmView, followMembership, followRefused, roomView } from './conversation.js';
import { flash } from './flash.js';
import { invited, removed } from './invite.js';
import { t } from './i18n.js';
import { addMessage, receiveHistory } from './messageList.js';
import { roomLocked } from './moderation.js';
import { applyChange } from './changes.js';
import { editRefused } from './editing.js';
import { noteChange } from './messageState.js';
import { failPending, resendUnconfirmed } from './pending.js';
import { joined, joinRefused, roomEnded } from './roomEnds.js';
import { peopleChanged, receivePeople, setHeadcount, setPeople } from './sidebar/people.js';
import { applyCounts } from './sidebar/rooms.js';
import { me, viewFor } from './state.js';
import { showTyping, stopTyping } from './typing.js';
import { applyUnread, readElsewhere } from './unread.js';

const handlers: { [K in keyof ServerMessages]: (message: ServerMessages[K]) => void } = {
  history(message) {
    noteChange(message.change);
    const view = 'room' in message ? roomView(message.room) : viewFor(message);
    if (view) receiveHistory(view, message);
  },
  list(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    view.replaying = false; // the list comes after the messages replayed on rejoining
    joined(message.room);
    setPeople(view, message);
    resendUnconfirmed(view);
  },
  join(message) {
    const view = viewFor({ room: message.room });
    if (view) peopleChanged(view, [message.user], []);
  },
  left(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.user.id === me.id) closeRoom(view);
    else peopleChanged(view, [], [message.user]);
  },
  presence(message) {
    // The batched form of join/left (the page connects with ?presence=batch): one render per batch.
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.count !== undefined) setHeadcount(view, message.count);
    else peopleChanged(view, message.joined, message.left);
  },
  people(message) {
    receivePeople(message, viewFor({ room: message.room }));
  },
  chat(message) {
    const view = viewFor({ room: message.room });
    if (view) addMessage(view, message);
  },
  dm(message) {
    addMessage(dmView(message.user.id === me.id ? message.to : message.user), message);
  },
  // The contract's every name, which the page does not ask for (?rooms=changes): the sidebar
  // lists my rooms only, and the directory finds the others.
  rooms() {},
  room(message) {
    // A room made by someone else is found in the directory; one that ended goes from everywhere.
    if (message.change !== 'created') roomEnded(message.change, message.room);
  },
  invited,
  removed,
  // Rooms' head-counts as they change, the rooms this tab is not in among them (?counts=live).
  counts(message) {
    applyCounts(message.data);
  },
  membership: followMembership,
  // Changes to messages already sent (changes.ts).
  edited: applyChange,
  deleted: applyChange,
  reactions: applyChange,
  locked(message) {
    roomLocked(message);
  },
  // The page sends no `ping` yet: nothing waits for the answer.
  pong() {},
  typing(message) {
    const view = viewFor(message) ?? ('with' in message ? dmView(message.user) : undefined);
    if (!view || message.user.id === me.id) return;
    if (message.stopped) stopTyping(view, message.user.id);
    else showTyping(view, message.user);
  },
  read(message) {
    const view = viewFor(message);
    if (view) readElsewhere(view, message.id);
  },
  unread(message) {
    applyUnread(message.data);
  },
  error(message) {
    if (followRefused(message.ref)) return;
    const reason = t(wsErrorKey(message.data.code));
    if (editRefused(message.ref, reason)) return;
    if (joinRefused(message.ref, message.data.code) || !failPending(message.ref, message.data.code, reason, message.data.retryAfter)) flash(reason);
  },
};

/** Hands one message from the server to its handler; a type this page does not know is ignored. */
export function receive(message: ServerMessage): void {
  const handler = handlers[message.type] as ((m: ServerMessage) => void) | undefined;
  handler?.(message);
}
