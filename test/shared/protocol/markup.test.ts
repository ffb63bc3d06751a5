// A message's formatting (src/shared/protocol/markup.ts): what is understood, and that what is not
// stays exactly as typed. Never HTML: the pieces are data, their text set as text by the page.
import { describe, expect, it } from 'vitest';
import { hasMarkup, linkPieces, parseMarkup, plainText } from '../../../src/shared/protocol/index.js';

const text = (t: string) => ({ kind: 'text', text: t });

describe('parseMarkup', () => {
  it('reads inline code, bold, italic and links inside a paragraph', () => {
    expect(parseMarkup('run `npm test` **now**, _please_: https://example.com/a')).toEqual([
      {
        kind: 'paragraph',
        children: [
          text('run '),
          { kind: 'code', text: 'npm test' },
          text(' '),
          { kind: 'bold', children: [text('now')] },
          text(', '),
          { kind: 'italic', children: [text('please')] },
          text(': '),
          { kind: 'link', text: 'https://example.com/a', href: 'https://example.com/a' },
        ],
      },
    ]);
  });

  it('keeps a fenced code block as typed, markup and all, and reads nothing inside code', () => {
    expect(parseMarkup('look:\n```js\nconst a = **b** + `c`;\n  indented <b>\n```\nafter')).toEqual([
      { kind: 'paragraph', children: [text('look:')] },
      { kind: 'code', text: 'const a = **b** + `c`;\n  indented <b>' },
      { kind: 'paragraph', children: [text('after')] },
    ]);
    expect(parseMarkup('`**not bold**`')).toEqual([{ kind: 'paragraph', children: [{ kind: 'code', text: '**not bold**' }] }]);
  });

  it('reads "> " lines as a quote', () => {
    expect(parseMarkup('> said before\n> and more\nmy answer')).toEqual([
      { kind: 'quote', children: [text('said before\nand more')] },
      { kind: 'paragraph', children: [text('my answer')] },
    ]);
  });

  it('leaves what it does not understand as typed: HTML, snake_case, lone stars, an unclosed fence', () => {
    for (const plain of ['<b>hi</b> <script>x</script>', 'a snake_case_name and file_name.txt', '2 * 3 ** 4', '** not bold **', '```\nnever closed', 'javascript:alert(1)']) {
      expect(hasMarkup(plain)).toBe(false);
      expect(parseMarkup(plain)).toEqual([{ kind: 'paragraph', children: [text(plain)] }]);
    }
  });

  it('links `www.` addresses as https, without the sentence’s full stop, and only where they start', () => {
    expect(linkPieces('see www.example.com.')).toEqual([{ text: 'see ' }, { text: 'www.example.com', href: 'https://www.example.com/' }, { text: '.' }]);
    expect(linkPieces('WWW.Example.com/a?b=1 ok')).toEqual([{ text: 'WWW.Example.com/a?b=1', href: 'https://www.example.com/a?b=1' }, { text: ' ok' }]);
    // Chinese has no spaces: right after it is still the start of an address.
    expect(linkPieces('去www.example.com，看看')).toEqual([{ text: '去' }, { text: 'www.example.com', href: 'https://www.example.com/' }, { text: '，看看' }]);
    expect(parseMarkup('**www.example.com**')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'bold', children: [{ kind: 'link', text: 'www.example.com', href: 'https://www.example.com/' }] }] },
    ]);
    // Inside a longer name, an e-mail address or a path, and a bare "www." are not links.
    for (const plain of ['mywww.example.com', 'a.www.example.com', 'me@www.example.com', '/srv/www.example.com', 'www.', 'the www. prefix']) {
      expect(linkPieces(plain)).toEqual([{ text: plain }]);
    }
    // An address written with its scheme is one link, not two.
    expect(linkPieces('https://www.example.com')).toEqual([{ text: 'https://www.example.com', href: 'https://www.example.com/' }]);
  });

  it('reads as plain text without its marks, for a reply\'s quote; what is not markup stays as typed', () => {
    expect(plainText('**bold** and _it_ with `code`')).toEqual('bold and it with code');
    expect(plainText('> quoted\n```js\nlet a = 1;\n```\nsee https://example.com')).toEqual('quoted\nlet a = 1;\nsee https://example.com');
    // A quote cut off mid-mark (the start of a longer message) keeps what it cannot read.
    expect(plainText('**half')).toEqual('**half');
    expect(plainText('snake_case_name 2 * 3')).toEqual('snake_case_name 2 * 3');
  });
});
