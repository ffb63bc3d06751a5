// The load generator's WebSocket connection: a TCP socket that reads into one buffer shared by
// every connection (net's `onread`) and finds the frames in it itself. The generator shares the
// machine's cores with the servers it measures, so what it spends per frame received shows up in
// their latency: `ws`'s client (a Buffer per read, a stream, a receiver) cost about 13 µs of CPU
// per frame, more than the product spends sending it. Only what a benchmark needs is here: one
// opening handshake, unmasked server frames, ping/pong, the closing handshake.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { CloseCode } from '../../shared/protocol/index.js';
import { headerLength, writeTextHeader } from '../../transport/frame.js';

/** RFC 6455's GUID, hashed with the client's key into `Sec-WebSocket-Accept`. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADERS_END = Buffer.from('\r\n\r\n');

const Opcode = { CONTINUATION: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;
const FIN = 0x80;
const MASKED = 0x80;

/**
 * Filled by whichever connection reads next: the callback runs before the next read, and whatever
 * of a frame is left over is copied out. 256 KiB holds a big room's `list` in one read or two.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export interface SocketEvents {
  open(): void;
  /** One whole text or binary message; `data` is only valid during the call (it is the shared buffer). */
  message(data: Buffer): void;
  /** Once, when the connection is over: the server's close code, or 1006 when it just ended. */
  close(code: number, reason: string): void;
  /** The handshake or the socket failed; `close` follows. */
  error(error: Error): void;
}

export interface SocketOptions {
  headers?: Record<string, string>;
  handshakeTimeoutMs: number;
}

export class BenchSocket {
  private readonly socket: net.Socket;
  private readonly key = randomBytes(16).toString('base64');
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** Bytes read but not yet a whole frame (or, before `open`, the handshake's answer so far), copied. */
  private pending: Buffer | undefined;
  /** A fragmented message's frames so far (servers here never fragment; handled all the same). */
  private fragments: Buffer[] | undefined;
  /** One masking key per connection: RFC 6455 wants the server unable to predict it, and ours is a benchmark. */
  private readonly mask = randomBytes(4);
  private readonly handshakeTimer: NodeJS.Timeout;

  constructor(
    url: URL,
    private readonly events: SocketEvents,
    options: SocketOptions,
  ) {
    this.socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buffer: Buffer) => {
          this.received(buffer.subarray(0, bytes));
          return true;
        },
      },
    });
    this.handshakeTimer = setTimeout(() => this.fail(new Error('Opening handshake has timed out')), options.handshakeTimeoutMs);
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${this.key}`,
      ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.ended(CloseCode.ABNORMAL, ''));
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Sends one text message; false when the connection is not open. */
  send(text: string): boolean {
    if (this.state !== 'open') return false;
    this.write(Opcode.TEXT, Buffer.from(text, 'utf8'));
    return true;
  }

  /** Ends the connection at once, without the closing handshake (as `ws`'s `terminate`). */
  terminate(): void {
    this.socket.destroy();
    this.ended(CloseCode.ABNORMAL, '');
  }

  private write(opcode: number, payload: Buffer): void {
    const size = payload.length;
    // A client frame is a server frame's header (the length, as frame.ts writes it) with its own
    // opcode, the mask bit and the masking key after it.
    const frame = Buffer.allocUnsafe(headerLength(size) + 4 + size);
    const at = writeTextHeader(frame, size);
    frame[0] = FIN | opcode;
    frame[1]! |= MASKED;
    this.mask.copy(frame, at);
    for (let i = 0; i < size; i++) frame[at + 4 + i] = payload[i]! ^ this.mask[i & 3]!;
    this.socket.write(frame);
  }

  private received(chunk: Buffer): void {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    if (this.state === 'connecting') {
      const end = data.indexOf(HEADERS_END);
      if (end < 0) {
        this.pending = Buffer.from(data);
        return;
      }
      if (!this.opened(data.toString('latin1', 0, end))) return;
      at = end + HEADERS_END.length;
    }
    at = this.frames(data, at);
    if (at < data.length && this.state === 'open') this.pending = Buffer.from(data.subarray(at));
  }

  /** Checks the server's answer to the opening handshake; false (and the connection failed) when it is not a switch. */
  private opened(head: string): boolean {
    const [status, ...lines] = head.split('\r\n');
    if (!/^HTTP\/1\.1 101 /.test(status ?? '')) {
      this.fail(new Error(`Unexpected server response: ${status?.split(' ')[1] ?? '?'}`));
      return false;
    }
    const accept = lines.find((line) => /^sec-websocket-accept:/i.test(line))?.slice(21).trim();
    const expected = createHash('sha1').update(this.key + HANDSHAKE_GUID).digest('base64');
    if (accept !== expected) {
      this.fail(new Error('Invalid Sec-WebSocket-Accept header'));
      return false;
    }
    clearTimeout(this.handshakeTimer);
    this.state = 'open';
    this.events.open();
    return this.state === 'open';
  }

  /** Handles every whole frame in `data` from `at`; returns where the first unfinished one starts. */
  private frames(data: Buffer, at: number): number {
    while (this.state === 'open' && data.length - at >= 2) {
      const first = data[at]!;
      const second = data[at + 1]!;
      if (second & MASKED) {
        this.protocolError('a masked frame from the server');
        return data.length;
      }
      let size = second & 0x7f;
      let head = 2;
      if (size === 126) {
        if (data.length - at < 4) break;
        size = data.readUInt16BE(at + 2);
        head = 4;
      } else if (size === 127) {
        if (data.length - at < 10) break;
        size = data.readUInt32BE(at + 2) * 2 ** 32 + data.readUInt32BE(at + 6);
        head = 10;
      }
      if (data.length - at < head + size) break;
      this.frame(first & 0x0f, (first & FIN) !== 0, data.subarray(at + head, at + head + size));
      at += head + size;
    }
    return at;
  }

  private frame(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case Opcode.TEXT:
      case Opcode.BINARY:
        if (fin) this.events.message(payload);
        else this.fragments = [Buffer.from(payload)];
        return;
      case Opcode.CONTINUATION:
        if (!this.fragments) return this.protocolError('a continuation without a start');
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = undefined;
          this.events.message(whole);
        }
        return;
      case Opcode.PING:
        this.write(Opcode.PONG, payload);
        return;
      case Opcode.PONG:
        return;
      case Opcode.CLOSE: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : CloseCode.NO_STATUS;
        const reason = payload.toString('utf8', 2);
        this.write(Opcode.CLOSE, payload.length >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0));
        this.socket.end();
        this.ended(code, reason);
        return;
      }
      default:
        this.protocolError(`opcode ${opcode}`);
    }
  }

  private protocolError(what: string): void {
    this.fail(new Error(`WebSocket protocol error: ${what}`), CloseCode.PROTOCOL_ERROR);
  }

  private fail(error: Error, code: number = CloseCode.ABNORMAL): void {
    if (this.state === 'closed') return;
    this.events.error(error);
    this.socket.destroy();
    this.ended(code, '');
  }

  private ended(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.pending = undefined;
    this.events.close(code, reason);
  }
}
