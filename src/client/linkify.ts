// Finds the links in message text: http(s) URLs only. Pure, so the server could use it too; dom.ts
// turns the pieces into text nodes and <a> elements. Nothing in a message becomes markup of its own.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?)\]}>'"。，；：！？）】」』]+$/u;

export interface Piece {
  text: string;
  href?: string;
}

/** Splits text into plain pieces and link pieces (http and https only). */
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
      const parsed = new URL(url);
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
