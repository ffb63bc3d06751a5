// Where the page's socket connects. No DOM here, so the unit tests can check it.
import {
  PEOPLE_LAZY,
  PEOPLE_PARAM,
  PRESENCE_BATCH,
  PRESENCE_PARAM,
  ROOMS_CHANGES,
  ROOMS_PARAM,
  SINCE_PARAM,
  WS_PATH,
} from '../shared/protocol/index.js';

/** The socket's path and query: resume after `lastId`, with the page's extensions of the protocol. */
export function socketPath(lastId: number): string {
  const query = new URLSearchParams({
    [SINCE_PARAM]: String(lastId),
    [PRESENCE_PARAM]: PRESENCE_BATCH,
    [PEOPLE_PARAM]: PEOPLE_LAZY,
    [ROOMS_PARAM]: ROOMS_CHANGES,
  });
  return `${WS_PATH}?${query}`;
}
