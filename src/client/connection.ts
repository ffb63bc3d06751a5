// The page's one socket: connecting it, sending on it, fresh refs, and the status line that says
// whether it is online. What to do with the messages is the caller's (see handlers.ts).
import type { ClientMessage, ServerMessage } from '../shared/protocol/index.js';
import { byId } from './dom.js';
import { t } from './i18n.js';
import { ChatSocket, type ConnectionState } from './socket.js';
import { renderedLastId } from './state.js';

export interface ConnectionHandlers {
  /** On every (re)connection; `lastSeenId` is where a resumed room picks up. */
  opened(resumed: boolean, lastSeenId: number): void;
  message(message: ServerMessage): void;
}

let socket: ChatSocket | undefined;
let refCounter = 0;
let countdown: ReturnType<typeof setInterval> | undefined;

export function connect(handlers: ConnectionHandlers): void {
  const chatSocket = new ChatSocket(renderedLastId, {
    state: showState,
    opened: (resumed) => handlers.opened(resumed, chatSocket.lastSeenId),
    message: handlers.message,
  });
  socket = chatSocket;
  chatSocket.connect();
}

/** Sends now, or returns false while offline (the caller decides what waits for the reconnect). */
export function send(message: ClientMessage): boolean {
  return socket?.send(message) ?? false;
}

/** Skips the wait before the next attempt ("retry now", or the browser is online again). */
export function retryNow(): void {
  socket?.retryNow();
}

/** A ref unique in this page, to match the server's answer to the request. */
export function newRef(prefix: string): string {
  return `${prefix}-${++refCounter}`;
}

function showState(state: ConnectionState): void {
  const statusText = byId('status-text');
  clearInterval(countdown);
  byId('status').dataset.state = state.state;
  byId('retry').hidden = state.state !== 'waiting';
  switch (state.state) {
    case 'connecting':
      statusText.textContent = t(state.noAnswer ? 'status.noAnswer' : 'status.connecting');
      break;
    case 'online':
      statusText.textContent = t('status.online');
      break;
    case 'signed-out':
      statusText.textContent = t('status.signedOut');
      break;
    case 'blocked':
      statusText.textContent = t('status.blocked');
      break;
    case 'waiting': {
      const tick = () => {
        const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
        statusText.textContent = `${t('status.waiting', { seconds })} `;
      };
      tick();
      countdown = setInterval(tick, 1000);
      break;
    }
  }
}
