import type { EventEmitter } from 'node:events';
import * as ws from 'ws';

// ws exports its Receiver at runtime; @types/ws does not describe it.
interface FrameReceiver extends EventEmitter {
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

/** Decodes server-to-client bytes the way a ws client does, with ws's own Receiver, fed in chunks. */
export function decodeFrames(bytes: Buffer, chunkSize = Math.max(bytes.length, 1)): string[] {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const messages: string[] = [];
  const errors: Error[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) errors.push(new Error('binary frame'));
    messages.push(data.toString('utf8'));
  });
  receiver.on('error', (error: Error) => errors.push(error));
  for (let at = 0; at < bytes.length; at += chunkSize) receiver.write(bytes.subarray(at, at + chunkSize));
  if (errors.length > 0) throw errors[0];
  return messages;
}
