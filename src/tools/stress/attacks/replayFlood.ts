// Replay flood: one user asking for the whole of a big lobby again and again, five times with
// `join` and `since: 0` on one socket and on six more sockets opened with `?since=0`, reading
// everything as fast as it comes. Every replay of a user draws on one allowance.
import { REPLAY_BURST, REPLAY_PER_SECOND } from '../../../chat/resume.js';
import { range, sleep } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { count, mb, seconds, tally } from '../format.js';
import { seedLobby } from '../lobbySeed.js';
import { FAR_FUTURE_ID } from '../sizes.js';
import { connect, signInMany, type Conn } from '../users.js';

const JOINS = 5;
const SOCKETS = 6;

export const prepareReplayFlood = (context: Context) => seedLobby(context, context.sizes.replayMessages);

export async function replayFlood(context: Context): Promise<Outcome> {
  const ms = context.sizes.replayMs;
  const [attacker] = await signInMany(context, 1, 'replayer');
  if (!attacker) throw new Error('no replayer');
  const lobby = Math.max(...context.pair.members.map((member) => member.lastSeen));
  const closes = new Map<string | number, number>();
  const watch = (conn: Conn) => void conn.closed.then((closed) => count(closes, closed.code));
  const first = await connect(context.target, attacker, { greeted: true, since: FAR_FUTURE_ID });
  watch(first);
  const greeting = { bytes: first.bytes, frames: first.frames };
  const started = Date.now();
  for (let i = 0; i < JOINS; i++) first.send({ type: 'join', room: 'lobby', since: 0 });
  // Not greeted: what else is due to a resuming socket waits behind its replay.
  const more = await Promise.all(range(SOCKETS).map(() => connect(context.target, attacker, { since: 0 })));
  for (const conn of more) watch(conn);
  const conns = [first, ...more];
  await sleep(Math.max(0, started + ms - Date.now()));
  const elapsed = Date.now() - started;
  const bytes = conns.reduce((sum, conn) => sum + conn.bytes, 0) - greeting.bytes;
  const frames = conns.reduce((sum, conn) => sum + conn.frames, 0) - greeting.frames;
  const open = conns.filter((conn) => conn.isOpen).length;
  for (const conn of conns) conn.terminate();
  const allowance = REPLAY_BURST + Math.round((REPLAY_PER_SECOND * elapsed) / 1000);
  return {
    tried:
      `${JOINS} joins with since 0 and ${SOCKETS} sockets with ?since=0 from 1 user, read for ${seconds(ms)}, over a lobby of ` +
      `${lobby.toLocaleString('en')} messages (${((JOINS + SOCKETS) * lobby).toLocaleString('en')} to send if unpaced)`,
    happened:
      `${mb(bytes)} in ${frames.toLocaleString('en')} frames to the attacker in ${seconds(elapsed)} ` +
      `(its allowance: ${allowance.toLocaleString('en')} messages); ${open}/${conns.length} of its sockets still open` +
      `${closes.size ? `, closed: ${tally(closes)}` : ''}`,
  };
}
