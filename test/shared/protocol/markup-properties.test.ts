// Properties of the formatter (src/shared/protocol/markup.ts) over many generated messages, from a
// seeded generator so that a failure names its input and repeats: nothing a person types becomes
// anything but the allowed pieces, no character is made up, and a code block keeps what was typed.
import { describe, expect, it } from 'vitest';
import { parseMarkup, type Block, type Inline } from '../../../src/shared/protocol/index.js';

/** A small seeded generator (mulberry32): the same inputs on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces that markup is made of, and text around them: HTML, Chinese, emoji, links, spaces, lines. */
const ATOMS = ['*', '**', '_', '`', '```', '> ', '\n', ' ', 'a', 'b_c', '<b>', '&amp;', '</script>', '猫', '👍', 'https://example.com/x', 'www.example.org', '(', ')', '.', '"', "'", 'http://', '\u202e'];

function message(next: () => number, atoms = ATOMS): string {
  const length = 1 + Math.floor(next() * 30);
  let text = '';
  for (let i = 0; i < length; i++) text += atoms[Math.floor(next() * atoms.length)]!;
  return text;
}

const INLINE_KINDS = new Set(['text', 'code', 'bold', 'italic', 'link']);
const BLOCK_KINDS = new Set(['paragraph', 'quote', 'code']);

/** Every piece is one the page knows how to draw as text, with exactly its fields; returns the text it shows. */
function checkInline(piece: Inline, input: string): string {
  expect(INLINE_KINDS.has(piece.kind), `${piece.kind} in ${JSON.stringify(input)}`).toBe(true);
  switch (piece.kind) {
    case 'text':
    case 'code':
      expect(Object.keys(piece).sort()).toEqual(['kind', 'text']);
      return piece.text;
    case 'link':
      expect(Object.keys(piece).sort()).toEqual(['href', 'kind', 'text']);
      expect(piece.href, JSON.stringify(input)).toMatch(/^https?:\/\/[^\s]+$/u);
      return piece.text;
    case 'bold':
    case 'italic':
      expect(Object.keys(piece).sort()).toEqual(['children', 'kind']);
      return piece.children.map((child) => checkInline(child, input)).join('');
  }
}

function shown(blocks: Block[], input: string): string {
  return blocks
    .map((block) => {
      expect(BLOCK_KINDS.has(block.kind), `${block.kind} in ${JSON.stringify(input)}`).toBe(true);
      return block.kind === 'code' ? block.text : block.children.map((piece) => checkInline(piece, input)).join('');
    })
    .join('\n');
}

/** Whether `small` is `big` with some characters left out (the markers the formatter reads). */
function isSubsequence(small: string, big: string): boolean {
  let at = 0;
  for (const char of small) {
    at = big.indexOf(char, at);
    if (at < 0) return false;
    at += char.length;
  }
  return true;
}

describe('the formatter, over generated messages', () => {
  it('makes only the allowed pieces, each with only its own fields, and shows no character that was not typed', () => {
    const next = generator(16);
    for (let n = 0; n < 3000; n++) {
      const input = message(next);
      const text = shown(parseMarkup(input), input);
      expect(isSubsequence(text, input), JSON.stringify(input)).toBe(true);
    }
  });

  it('keeps a fenced code block exactly as typed, markup, HTML and blank lines included', () => {
    const next = generator(7);
    // Anything but a line that is itself a fence.
    const atoms = ATOMS.filter((atom) => atom !== '```');
    for (let n = 0; n < 2000; n++) {
      const code = message(next, atoms);
      if (code.split('\n').some((line) => line.startsWith('```'))) continue;
      expect(parseMarkup('```\n' + code + '\n```'), JSON.stringify(code)).toEqual([{ kind: 'code', text: code }]);
      expect(parseMarkup('before\n```ts\n' + code + '\n```\nafter')[1], JSON.stringify(code)).toEqual({ kind: 'code', text: code });
    }
  });
});
