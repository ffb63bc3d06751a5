// Every attack, in the order a run makes them; the names are the table's and --only's.
import type { Attack } from '../attack.js';
import { addressFlood } from './addressFlood.js';
import { badFrames } from './badFrames.js';
import { baseline } from './baseline.js';
import { connectionBurst } from './connectionBurst.js';
import { garbage } from './garbage.js';
import { historyFlood } from './historyFlood.js';
import { joinLeaveFlood } from './joinLeaveFlood.js';
import { killAndRestart } from './killAndRestart.js';
import { messageFlood } from './messageFlood.js';
import { readFlood } from './readFlood.js';
import { reconnectStorm } from './reconnectStorm.js';
import { roomFlood } from './roomFlood.js';
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
  { name: 'history flood', run: historyFlood },
  { name: 'kill -9 + restart', run: killAndRestart },
];
