// WebSocket framing for the fan-out hot path (RFC 6455 §5.2). ws's public API frames a message
// per send; a room broadcast needs the bytes built once and written to many sockets, so the
// server-to-client text frame is built here, in one place, and tested against ws's own Receiver.

/** FIN set, opcode 1 (text). Server frames are never masked. */
const FIN_TEXT = 0x81;
/** Payload lengths up to this fit in the 7-bit length field. */
const MAX_7_BIT = 125;
/** Payload lengths up to this use the 16-bit extended length (126 marker). */
const MAX_16_BIT = 0xffff;

/** Header bytes for a payload of this many bytes: 2, 4 or 10. */
export function headerLength(payloadBytes: number): number {
  if (payloadBytes <= MAX_7_BIT) return 2;
  if (payloadBytes <= MAX_16_BIT) return 4;
  return 10;
}

/**
 * Writes the header of a text frame whose payload is `payloadBytes` long at the start of
 * `target` (which needs `headerLength(payloadBytes)` bytes); returns where the payload starts.
 */
export function writeTextHeader(target: Buffer, payloadBytes: number): number {
  const offset = headerLength(payloadBytes);
  target[0] = FIN_TEXT;
  if (offset === 2) {
    target[1] = payloadBytes;
  } else if (offset === 4) {
    target[1] = 126;
    target.writeUInt16BE(payloadBytes, 2);
  } else {
    target[1] = 127;
    // Lengths stay far below 2^53, so the high word fits a plain number division.
    target.writeUInt32BE(Math.floor(payloadBytes / 2 ** 32), 2);
    target.writeUInt32BE(payloadBytes >>> 0, 6);
  }
  return offset;
}

/** One complete, unmasked text frame for `text`, in a single buffer (one allocation). */
export function textFrame(text: string): Buffer {
  const payloadBytes = Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(headerLength(payloadBytes) + payloadBytes);
  frame.write(text, writeTextHeader(frame, payloadBytes), 'utf8');
  return frame;
}

/** The frame for one JSON message: serialized once, framed once, shareable by every recipient. */
export function jsonFrame(message: unknown): Buffer {
  return textFrame(JSON.stringify(message));
}
