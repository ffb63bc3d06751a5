// WebSocket text frames written by hand (src/transport/frame.ts): every length form, bytes counted
// in UTF-8, decoded by ws's own Receiver whole and split at any byte.
import { describe, expect, it } from 'vitest';
import { headerLength, jsonFrame, textFrame } from '../../src/transport/frame.js';
import { decodeFrames as decode } from '../helpers/frames.js';

describe('textFrame', () => {
  it.each([
    ['empty', ''],
    ['7-bit length, at the edge', 'x'.repeat(125)],
    ['16-bit length, just past the 7-bit edge', 'x'.repeat(126)],
    ['16-bit length, at its edge', 'y'.repeat(65_535)],
    ['64-bit length', 'z'.repeat(65_536)],
    ['64-bit length, large', 'w'.repeat(300_000)],
  ])('frames a %s payload that ws decodes unchanged', (_label, text) => {
    const frame = textFrame(text);
    expect(frame.length).toBe(headerLength(Buffer.byteLength(text)) + Buffer.byteLength(text));
    expect(decode(frame)).toEqual([text]);
  });

  it('counts bytes, not characters, for multi-byte UTF-8', () => {
    // 42 CJK characters are 126 bytes: over the 7-bit limit though fewer characters.
    const chinese = '你好'.repeat(21);
    expect(headerLength(Buffer.byteLength(chinese))).toBe(4);
    expect(decode(textFrame(chinese))).toEqual([chinese]);
    const mixed = `emoji 😀 ${'大家好'.repeat(30_000)} ✓`;
    expect(decode(textFrame(mixed))).toEqual([mixed]);
  });

  it('decodes frames written back to back and split at any byte', () => {
    const texts = ['a', '你好', 'b'.repeat(200), 'c'.repeat(70_000), JSON.stringify({ type: 'chat', data: '😀' })];
    const stream = Buffer.concat(texts.map(textFrame));
    expect(decode(stream)).toEqual(texts);
    expect(decode(stream, 1)).toEqual(texts);
    expect(decode(stream, 7)).toEqual(texts);
  });

  it('frames JSON messages exactly as JSON.stringify writes them', () => {
    const message = { type: 'chat', id: 7, room: 'lobby', data: '<b>"hi"</b> 路人甲' };
    expect(decode(jsonFrame(message)).map((text) => JSON.parse(text))).toEqual([message]);
  });
});
