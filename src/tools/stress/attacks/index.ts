// Every attack, in the order a run makes them; the names are the table's and --only's. The floods
// of the lobby's history and search come after the replay flood, which seeds it.
import type { Attack } from '../attack.js';
import { addressFlood } from './addressFlood.js';
import { badFrames } from './badFrames.js';
import { baseline } from './baseline.js';
import { connectionBurst } from './connectionBurst.js';
import { garbage } from './garbage.js';
import { historyFlood } from './historyFlood.js';
import { idleTcp, idleTcpSettings } from './idleTcp.js';
import { joinLeaveFlood } from './joinLeaveFlood.js';
import { killAndRestart } from './killAndRestart.js';
import { messageFlood } from './messageFlood.js';
import { nulSearch } from './nulSearch.js';
import { readFlood } from './readFlood.js';
import { reconnectStorm } from './reconnectStorm.js';
import { prepareReplayFlood, replayFlood } from './replayFlood.js';
import { roomFlood } from './roomFlood.js';
import { prepareSearchFlood, searchFlood } from './searchFlood.js';
import { signinFlood } from './signinFlood.js';
import { slowReaders } from './slowReaders.js';

export const ATTACKS: Attack[] = [
  { name: 'baseline', run: baseline },
  { name: 'message flood', run: messageFlood },
  { name: 'read flood', run: readFlood },
  { name: 'join/leave flood', run: joinLeaveFlood },
  { name: 'sign-in flood', run: signinFlood },
  { name: 'connection burst', run: connectionBurst },
  { name: 'one-address connections', run: addressFlood },
  { name: 'slow readers', run: slowReaders },
  { name: 'reconnect storm', run: reconnectStorm },
  { name: 'oversized/binary frames', run: badFrames },
  { name: 'garbage frames', run: garbage },
  { name: 'room creation flood', run: roomFlood },
  { name: 'replay flood', run: replayFlood, prepare: prepareReplayFlood },
  { name: 'history flood', run: historyFlood },
  { name: 'search flood', run: searchFlood, prepare: prepareSearchFlood },
  { name: 'NUL search', run: nulSearch },
  { name: 'idle TCP', run: idleTcp, settings: idleTcpSettings },
  { name: 'kill -9 + restart', run: killAndRestart },
];
