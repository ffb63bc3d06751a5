// A message's formatting (src/shared/protocol/markup.ts): what is understood, and that what is not
// stays exactly as typed. Never HTML: the pieces are data, their text set as text by the page.
import { describe, expect, it } from 'vitest';
import { hasMarkup, parseMarkup } from '../../../src/shared/protocol/index.js';

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
});
