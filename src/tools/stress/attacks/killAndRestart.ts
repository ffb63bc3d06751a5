// kill -9 and restart: the server killed while users write; the store checked after the restart.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ServerMessage } from '../../../shared/protocol/index.js';
import { sleep, until } from '../../kit/wait.js';
import type { Context, Outcome } from '../attack.js';
import { seconds } from '../format.js';
import { FAR_FUTURE_ID } from '../sizes.js';
import { connect, signInMany } from '../users.js';

export async function killAndRestart(context: Context): Promise<Outcome> {
  const { target, pair } = context;
  if (!target.own || !target.dataDir) {
    return { tried: 'kill -9 and restart', happened: 'skipped: only for a server this tool started' };
  }
  const writers = await signInMany(context, context.sizes.crashWriters, 'writer');
  const acked = new Map<string, { id?: number; data: string }>();
  const onMessage = (message: ServerMessage) => {
    if (message.type === 'chat' && message.ref !== undefined) {
      const entry = acked.get(message.ref);
      if (entry) entry.id = message.id;
    }
  };
  const conns = await Promise.all(writers.map((account) => connect(target, account, { greeted: true, since: FAR_FUTURE_ID, onMessage })));
  // Each writer sends one message every 40 ms (20 at most: the rate limit), and the kill lands in the middle.
  let stop = false;
  const writing = conns.map(async (conn, w) => {
    for (let i = 0; i < 20 && !stop; i++) {
      const ref = `w${w}.${i}`;
      acked.set(ref, { data: `crash writer ${w} message ${i}` });
      conn.send({ type: 'chat', room: 'lobby', data: `crash writer ${w} message ${i}`, ref });
      await sleep(40);
    }
  });
  await sleep(400);
  await target.kill9();
  stop = true;
  await Promise.all(writing);
  const inFlight = [...acked.values()].filter((entry) => entry.id === undefined).length;
  const restartStarted = Date.now();
  await target.restart();
  const restartMs = Date.now() - restartStarted;

  // The store after the crash: intact, and holding every message whose echo went out.
  const db = new Database(path.join(target.dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
  let integrity: unknown;
  let missing = 0;
  let echoed = 0;
  let maxId = 0;
  try {
    integrity = db.pragma('integrity_check', { simple: true });
    const byId = db.prepare<[number], { data: string }>('SELECT data FROM messages WHERE id = ?');
    const expected = [
      ...[...acked.values()].filter((entry) => entry.id !== undefined),
      ...pair.members.flatMap((member) => [...member.sent.values()].filter((sent) => sent.id !== undefined)),
    ] as { id: number; data: string }[];
    for (const entry of expected) {
      echoed++;
      if (byId.get(entry.id)?.data !== entry.data) missing++;
    }
    maxId = (db.prepare('SELECT max(id) AS id FROM messages').get() as { id: number | null }).id ?? 0;
  } finally {
    db.close();
  }
  // Ids go on increasing after the restart.
  const [writer] = writers;
  let freshId = 0;
  if (writer) {
    const conn = await connect(target, writer, {
      greeted: true,
      since: FAR_FUTURE_ID,
      onMessage: (message) => {
        if (message.type === 'chat' && message.ref === 'after') freshId = message.id;
      },
    });
    conn.send({ type: 'chat', room: 'lobby', data: 'after the restart', ref: 'after' });
    await until(() => freshId > 0, 5000);
    conn.terminate();
  }
  const idsOk = freshId > maxId;
  return {
    tried: `kill -9 with ${context.sizes.crashWriters} users writing, restart on the same data`,
    happened:
      `killed with ${inFlight} unanswered; back in ${seconds(restartMs)}; integrity_check ${String(integrity)}; ` +
      `${echoed - missing}/${echoed} echoed messages in the store; next id ${freshId} ${idsOk ? '>' : 'NOT >'} ${maxId}; ` +
      `the pair resumed`,
    lost: missing,
    failed: integrity !== 'ok' || !idsOk,
  };
}
