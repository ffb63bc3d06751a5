// Unicode's confusables (as the confusable_homoglyphs package ships them, a JSON of each character
// and what it can be mistaken for) made into classes of single characters that look alike: union-find
// over every pair of one code point each, a class's representative its lowest code point (the ASCII
// letter or digit where the class has one). Pairs with a sequence on either side (`m` and `rn`) are
// left out: the table maps one character to one. Pure, so the tests can build it from any JSON.

/** The package wraps right-to-left characters in U+200E (LEFT-TO-RIGHT MARK) for display; not part of them. */
const DISPLAY_MARKS = /[\u200e\u200f]/g;

/** `{ "<char>": [{ "c": "<char or sequence>", "n": "<name>" }, …], … }`. */
export type ConfusablesJson = Record<string, readonly { c: string }[]>;

/** The one code point of `text` without its display marks, or undefined for a sequence. */
function single(text: string): number | undefined {
  const points = [...text.replace(DISPLAY_MARKS, '')];
  return points.length === 1 ? points[0]!.codePointAt(0) : undefined;
}

/** The classes of two or more characters, each sorted with its representative (lowest) first, ordered by representative. */
export function confusableClasses(json: ConfusablesJson): number[][] {
  // Every character seen is in `parent`; a root is its own parent, and the lowest of its class.
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    if (!parent.has(x)) parent.set(x, x);
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression, so that the big classes (`l`, `o`) stay cheap.
    for (let at = x; at !== root; ) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const [source, targets] of Object.entries(json)) {
    const a = single(source);
    if (a === undefined) continue;
    for (const target of targets) {
      const b = single(target.c);
      if (b === undefined || b === a) continue;
      const [ra, rb] = [find(a), find(b)];
      if (ra < rb) parent.set(rb, ra);
      else if (rb < ra) parent.set(ra, rb);
    }
  }
  const classes = new Map<number, number[]>();
  for (const member of parent.keys()) {
    const root = find(member);
    let members = classes.get(root);
    if (!members) classes.set(root, (members = []));
    members.push(member);
  }
  return [...classes.values()]
    .filter((members) => members.length > 1)
    .map((members) => members.sort((x, y) => x - y))
    .sort((x, y) => x[0]! - y[0]!);
}

/**
 * The classes as the table's compact text: each class its code points in base 36, comma-separated,
 * the representative first; classes separated by `;`. Newlines may be put anywhere between them.
 */
export function encodeClasses(classes: readonly (readonly number[])[]): string {
  return classes.map((members) => members.map((point) => point.toString(36)).join(',')).join(';');
}
