// Mentions and the `@name message` command, shared by the page and the server's unread counts.
import { describe, expect, it } from 'vitest';
import { mentions, parseDmCommand } from '../../../src/shared/protocol/index.js';

describe('mentions', () => {
  it('finds @name, case-insensitively, not as part of a longer name', () => {
    expect(mentions('hi @Ada, look', 'Ada')).toBe(true);
    expect(mentions('hi @ada', 'Ada')).toBe(true);
    expect(mentions('hi @Adam', 'Ada')).toBe(false);
    expect(mentions('ask @路人甲 please', '路人甲')).toBe(true);
    expect(mentions('mail ada@example.com', 'Ada')).toBe(false);
  });
});

describe('parseDmCommand', () => {
  const ada = { id: '1', name: 'Ada', image: 0 };
  const ada2 = { id: '2', name: 'Ada', image: 0 };
  const adaL = { id: '3', name: 'Ada Lovelace', image: 0 };

  it('reads `@name message` with the longest matching name', () => {
    expect(parseDmCommand('@Ada Lovelace hello there', [ada, adaL])).toEqual({ kind: 'dm', candidates: [adaL], text: 'hello there' });
    expect(parseDmCommand('@Ada hi', [ada, adaL])).toEqual({ kind: 'dm', candidates: [ada], text: 'hi' });
  });

  it('returns every person of that name, to ask which one', () => {
    expect(parseDmCommand('@Ada hi', [ada, ada2])).toMatchObject({ kind: 'dm', candidates: [ada, ada2] });
  });

  it('is a plain message otherwise', () => {
    expect(parseDmCommand('hello @Ada', [ada])).toEqual({ kind: 'none' });
    expect(parseDmCommand('@Nobody hi', [ada])).toEqual({ kind: 'none' });
    expect(parseDmCommand('@Ada', [ada])).toEqual({ kind: 'none' });
    expect(parseDmCommand('@Adam hi', [ada])).toEqual({ kind: 'none' });
  });
});
