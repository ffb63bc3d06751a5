// The little formatting a message may carry, written as text: `inline code`, fenced code blocks,
// **bold**, _italic_, "> " quotes and http(s) links. Parsed into plain data here (no DOM, no HTML),
// so that nothing a person types can become markup: whoever shows it builds elements from these
// pieces and sets their text. What is not understood stays as it was typed.

/** A run of text inside a paragraph or a quote. */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'bold'; children: Inline[] }
  | { kind: 'italic'; children: Inline[] }
  | { kind: 'link'; text: string; href: string };

export type Block = { kind: 'paragraph'; children: Inline[] } | { kind: 'quote'; children: Inline[] } | { kind: 'code'; text: string };

const FENCE = /^```[^`\s]*\s*$/u;
const QUOTE = /^> ?/u;

/** A message's text as blocks: paragraphs (their line breaks kept), quotes and code blocks. */
export function parseMarkup(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let paragraph: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join('\n')) });
    if (quote.length > 0) blocks.push({ kind: 'quote', children: parseInline(quote.join('\n')) });
    paragraph = [];
    quote = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const close = FENCE.test(line) ? lines.findIndex((next, j) => j > i && /^```\s*$/u.test(next)) : -1;
    if (close > i) {
      flush();
      blocks.push({ kind: 'code', text: lines.slice(i + 1, close).join('\n') });
      i = close;
    } else if (QUOTE.test(line)) {
      if (paragraph.length > 0) flush();
      quote.push(line.replace(QUOTE, ''));
    } else {
      if (quote.length > 0) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

/** Whether `text` has anything parseMarkup would show other than one plain paragraph. */
export function hasMarkup(text: string): boolean {
  const blocks = parseMarkup(text);
  return blocks.length !== 1 || blocks[0]!.kind !== 'paragraph' || blocks[0]!.children.some((piece) => piece.kind !== 'text');
}

/** What `text` reads as once drawn, without its marks: a reply's one-line quote, where bold stars or code fences would be noise. */
export function plainText(text: string): string {
  const inline = (pieces: Inline[]): string =>
    pieces.map((piece) => ('children' in piece ? inline(piece.children) : piece.text)).join('');
  return parseMarkup(text)
    .map((block) => (block.kind === 'code' ? block.text : inline(block.children)))
    .join('\n');
}

const DELIMITED: readonly { kind: 'bold' | 'italic'; open: string; pattern: RegExp }[] = [
  // **bold**: not empty, not starting or ending with a space.
  { kind: 'bold', open: '**', pattern: /\*\*(?=\S)([\s\S]*?\S)\*\*/u },
  // _italic_: only as a word of its own, so snake_case and URLs stay as they are.
  { kind: 'italic', open: '_', pattern: /(?<![\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/u },
];

/** Inline pieces: code spans first (nothing inside them is read), then bold, italic and links. */
export function parseInline(text: string): Inline[] {
  const pieces: Inline[] = [];
  const code = /`([^`\n]+)`/gu;
  let last = 0;
  for (const match of text.matchAll(code)) {
    const start = match.index ?? 0;
    if (start > last) pieces.push(...emphasis(text.slice(last, start)));
    pieces.push({ kind: 'code', text: match[1]! });
    last = start + match[0].length;
  }
  if (last < text.length) pieces.push(...emphasis(text.slice(last)));
  return pieces;
}

function emphasis(text: string): Inline[] {
  let first: { kind: 'bold' | 'italic'; match: RegExpExecArray } | undefined;
  for (const { kind, pattern } of DELIMITED) {
    const match = pattern.exec(text);
    if (match && (!first || match.index < first.match.index)) first = { kind, match };
  }
  if (!first) return links(text);
  const { kind, match } = first;
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  return [...links(before), { kind, children: emphasis(match[1]!) }, ...emphasis(after)].filter((piece) => piece.kind !== 'text' || piece.text !== '');
}

// `www.` names a web address too (linked as https): not inside a longer word, name or address
// (mywww.x, a.www.x, me@www.x), but right after Chinese text, which has no spaces.
// A link ends at a space, a quote, or Chinese punctuation (，。、：！？ and brackets), which no address has unescaped.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+|(?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_.@/-])www\.[\p{L}\p{N}][^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]*/giu;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?)\]}>'"。，；：！？）】」』]+$/u;

/** A piece of text, a link when it has `href`. */
export interface Piece {
  text: string;
  href?: string;
}

/** Splits text into plain pieces and link pieces (http and https only, `www.` as https: nothing else is ever a link). */
export function linkPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    // Keep a closing bracket that belongs to the URL, as in https://en.wikipedia.org/wiki/A_(b).
    if (trailing && !(trailing.startsWith(')') && url.includes('('))) url = url.slice(0, url.length - trailing.length);
    const start = match.index ?? 0;
    let href: string | undefined;
    try {
      const parsed = new URL(/^www\./i.test(url) ? `https://${url}` : url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = undefined;
    }
    if (!href) continue;
    if (start > last) pieces.push({ text: text.slice(last, start) });
    pieces.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

function links(text: string): Inline[] {
  return linkPieces(text).map((piece): Inline => (piece.href ? { kind: 'link', text: piece.text, href: piece.href } : { kind: 'text', text: piece.text }));
}
