// Every client message type and the file that handles it: one entry each, checked by the
// compiler against the protocol's ClientMessages, so a new type cannot be left unhandled.
import type { ClientMessageType } from '../../shared/protocol/index.js';
import { chat } from './chat.js';
import type { Command } from './command.js';
import { deleteMessage } from './delete.js';
import { dm } from './dm.js';
import { edit } from './edit.js';
import { history } from './history.js';
import { invite } from './invite.js';
import { join } from './join.js';
import { leave } from './leave.js';
import { people } from './people.js';
import { ping } from './ping.js';
import { react } from './react.js';
import { read } from './read.js';
import { remove } from './remove.js';
import { typing } from './typing.js';

export const commands: { readonly [K in ClientMessageType]: Command<K> } = {
  chat,
  dm,
  join,
  leave,
  history,
  typing,
  read,
  people,
  delete: deleteMessage,
  edit,
  react,
  ping,
  invite,
  remove,
};
