// One connection of the fuzzer: a raw `ws` socket that can send what `ws` would refuse to (invalid
// UTF-8 as text), checks the shape of everything the server sends it, and answers round trips.
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { shapeProblems } from './contract.js';
import { maskedTextFrame, type Frame } from './frames.js';

/** A raw `ws` connection of the fuzzer: checks the shape of everything the server sends it, and answers round trips. */
export class FuzzSocket {
  readonly closed: Promise<number>;
  private readonly opened: Promise<void>;
  private readonly waiters = new Map<string, () => void>();

  private constructor(
    readonly socket: WebSocket,
    private readonly problems: string[],
  ) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {}); // a close the server started can surface as ECONNRESET while we write
    socket.on('message', (data, isBinary) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        problems.push(`server sent the fuzzer a frame that is not JSON (binary: ${isBinary}): ${data.toString().slice(0, 100)}`);
        return;
      }
      for (const problem of shapeProblems(message)) problems.push(`to the fuzzer: ${problem} in ${JSON.stringify(message).slice(0, 200)}`);
      const ref = (message as { type?: unknown; ref?: unknown }).ref;
      if ((message as { type?: unknown }).type === 'error' && typeof ref === 'string') this.waiters.get(ref)?.();
    });
  }

  static async open(wsUrl: string, cookie: string, problems: string[]): Promise<FuzzSocket> {
    const fuzz = new FuzzSocket(new WebSocket(wsUrl, { headers: { cookie } }), problems);
    await fuzz.opened;
    return fuzz;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Frame): void {
    switch (frame.kind) {
      case 'text':
      case 'oversized':
        return this.socket.send(frame.text);
      case 'binary':
        return this.socket.send(frame.bytes, { binary: true });
      case 'invalid-utf8': {
        // `ws` only sends valid UTF-8 as text, so the frame goes straight onto the TCP socket.
        const raw = (this.socket as unknown as { _socket: Socket })._socket;
        raw.write(maskedTextFrame(frame.bytes, frame.mask));
        return;
      }
    }
  }

  /** A round trip: an error with our ref comes back once everything sent before it was handled. */
  async roundTrip(ref: string, timeoutMs = 5000): Promise<'answered' | 'closed' | 'timeout'> {
    const answered = new Promise<'answered'>((resolve) => this.waiters.set(ref, () => resolve('answered')));
    this.socket.send(JSON.stringify({ type: 'leave', room: 'sync-no-such-room', ref }));
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      answered,
      this.closed.then(() => 'closed' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.waiters.delete(ref);
    return result;
  }

  async closedWithin(timeoutMs: number): Promise<number | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.closed, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    return code;
  }
}
