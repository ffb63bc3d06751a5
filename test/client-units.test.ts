import { describe, expect, it } from 'vitest';
import { linkPieces } from '../src/client/linkify.js';
import { socketPath } from '../src/client/socketPath.js';
import { mentions, parseDmCommand } from '../src/shared/protocol/index.js';
import { UNREAD_CAP, unreadLabel } from '../src/shared/protocol/index.js';

describe('linkPieces', () => {
  it('links http and https URLs and leaves the rest as text', () => {
    expect(linkPieces('see https://example.com/a?b=1 now')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ' now' },
    ]);
    expect(linkPieces('http://x.org.')).toEqual([{ text: 'http://x.org', href: 'http://x.org/' }, { text: '.' }]);
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.com', 'vbscript:x']) {
      expect(linkPieces(text)).toEqual([{ text }]);
    }
  });

  it('keeps a closing bracket that belongs to the URL, drops one that closes the sentence', () => {
    expect(linkPieces('(https://en.wikipedia.org/wiki/A_(b))')[1]).toEqual({
      text: 'https://en.wikipedia.org/wiki/A_(b))',
      href: 'https://en.wikipedia.org/wiki/A_(b))',
    });
    expect(linkPieces('链接：https://example.com。')).toEqual([
      { text: '链接：' },
      { text: 'https://example.com', href: 'https://example.com/' },
      { text: '。' },
    ]);
  });
});

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

describe('unreadLabel', () => {
  it('shows counts as they are below the cap and 999+ from the capped count on', () => {
    expect(unreadLabel(0)).toBe('0');
    expect(unreadLabel(998)).toBe('998');
    expect(unreadLabel(999)).toBe('999');
    expect(unreadLabel(UNREAD_CAP)).toBe('999+');
    expect(unreadLabel(UNREAD_CAP + 5)).toBe('999+');
  });
});

describe('socketPath', () => {
  it('resumes after the given id and asks for the page’s extensions, by the protocol’s own names', () => {
    const url = new URL(socketPath(42), 'http://chat.test');
    expect(url.pathname).toBe('/ws/chat');
    expect(Object.fromEntries(url.searchParams)).toEqual({ since: '42', presence: 'batch', people: 'lazy', rooms: 'changes' });
  });
});
