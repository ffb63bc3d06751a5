// Links in messages on the page: http and https only, and the brackets and stops around them.
import { describe, expect, it } from 'vitest';
import { linkPieces } from '../../src/shared/protocol/index.js';

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
