// The one form two names are compared in, for user names and room names alike: NFKC, case folded,
// invisible characters dropped and white space made single, then each character replaced by the
// representative of its class of look-alikes (a skeleton after Unicode TR39, one character for one:
// confusables.ts). `Alice`, `alice`, `ＡＬＩＣＥ` and `Аlice` (Cyrillic А) have one key; `Ålice` and
// `Alice2` have others. Kept in the database (held names, rooms): changing it needs a migration.
import { CONFUSABLE_CLASSES } from './confusables.js';
import { withoutInvisible } from './invisible.js';

let prototypes: Map<number, number> | undefined;

/** Each character of a class to its representative, read from the table once, when first asked (never in the browser). */
function prototypeMap(): Map<number, number> {
  if (prototypes) return prototypes;
  const map = new Map<number, number>();
  for (const members of CONFUSABLE_CLASSES.replace(/\s+/g, '').split(';')) {
    const [representative, ...others] = members.split(',').map((point) => parseInt(point, 36));
    for (const other of others) map.set(other, representative!);
  }
  return (prototypes = map);
}

/**
 * Full case folding as far as JavaScript has it: upper then lower case, so `ß`, `SS` and `ss` are
 * one, and so are `ς`, `Σ` and `σ` (toLowerCase alone keeps `ß`).
 */
function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** The key two names are the same under: equal keys, one name (see the file's header). */
export function nameKey(name: string): string {
  const folded = withoutInvisible(caseFold(name.normalize('NFKC')).normalize('NFKC'));
  const map = prototypeMap();
  let skeleton = '';
  for (const char of folded.normalize('NFD')) {
    const point = char.codePointAt(0)!;
    skeleton += String.fromCodePoint(map.get(point) ?? point);
  }
  return skeleton.normalize('NFD').replace(/\s+/gu, ' ').trim();
}
