// Where the page's socket connects. No DOM here, so the unit tests can check it.
/** The query parameter of a resume's change number (docs/protocol.md, "The change sequence"). */
const CHANGES_PARAM = 'changes';
import {
  COUNTS_LIVE,
  COUNTS_PARAM,
  PEOPLE_LAZY,
  PEOPLE_PARAM,
  PRESENCE_BATCH,
  PRESENCE_PARAM,
  ROOMS_CHANGES,
  ROOMS_PARAM,
  SINCE_PARAM,
  WS_PATH,
} from '../shared/protocol/index.js';

/**
 * The socket's path and query: resume after `lastId` and, when the page knows where it is in the
 * site's changes, with every change to older messages after `changes`; with the page's extensions of the protocol.
 */
export function socketPath(lastId: number, changes?: number): string {
  const query = new URLSearchParams({
    [SINCE_PARAM]: String(lastId),
    ...(changes === undefined ? {} : { [CHANGES_PARAM]: String(changes) }),
    [PRESENCE_PARAM]: PRESENCE_BATCH,
    [PEOPLE_PARAM]: PEOPLE_LAZY,
    [ROOMS_PARAM]: ROOMS_CHANGES,
    [COUNTS_PARAM]: COUNTS_LIVE,
  });
  return `${WS_PATH}?${query}`;
}
