// Fan-out with changes (issue 16: "a scenario with 10 % of traffic being reactions and edits"): the
// fan-out's sender, but one frame in ten a change, a reaction toggled and an edit of its latest
// message in turn, each going to every member like a chat (framed once). Measured the same way, so
// that its CPU per delivery can be held to the fan-out's targets. (Until 2026-12-05 it sent a
// reaction and an edit in every ten frames: 20 % changes.)
import { chatText } from './generator.js';
import { senderRun } from './messageScenarios.js';
import type { RunContext, RunResult } from './run.js';

/** Frame `n` of the sender: at 5 of every 10 a change (a reaction, then an edit, the next ten), a chat otherwise (a change needs a message first). */
function frameOf(n: number, latestId: number | undefined): string {
  if (latestId === undefined || n % 10 !== 5) return chatText(n);
  const tens = Math.floor(n / 10);
  if (tens % 2 === 0) return `{"type":"react","id":${latestId - (Math.floor(tens / 2) % 3)},"emoji":"👍","ref":"${n}"}`;
  return `{"type":"edit","id":${latestId},"data":"${n} edited","ref":"${n}"}`;
}

export async function changes(ctx: RunContext): Promise<RunResult> {
  const { warmUp } = ctx.sizes.fanOut;
  let latestId: number | undefined;
  let changeFrames = 0;
  const frame = (n: number) => {
    const text = frameOf(n, latestId);
    if (n >= warmUp && !text.startsWith('{"type":"chat"')) changeFrames++;
    return text;
  };
  // The sender's own chats say which message is its latest (read only there: one client of 200).
  const run = await senderRun(ctx, 'changes', frame, (data) => {
    latestId = (JSON.parse(data.toString('utf8')) as { id: number }).id;
  });
  return { ...run.result, metrics: { clients: run.clients, frames: run.frames, changeFrames, ...run.metrics } };
}
