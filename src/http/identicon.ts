// Avatars drawn here from the user id, never fetched from an outside service: a 5×5 mirrored
// identicon in a colour of its own, the same picture for the same id everywhere.

/** FNV-1a, 32-bit: small, fast and well spread for short ids. */
function hash(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const GRID = 5;
const CELL = 8;
const PAD = 4;
const SIZE = GRID * CELL + PAD * 2;

/** The identicon of a user id as an SVG document. */
export function identiconSvg(id: string): string {
  const bits = hash(id);
  const hue = hash(id, 0x9e3779b9) % 360;
  // Mid lightness and saturation: white initials-free shapes stay visible in light and dark pages.
  const fg = `hsl(${hue} 62% 42%)`;
  const bg = `hsl(${hue} 45% 92%)`;
  const cells: string[] = [];
  let bit = 0;
  for (let x = 0; x < Math.ceil(GRID / 2); x++) {
    for (let y = 0; y < GRID; y++) {
      const on = (bits >>> bit++ % 32) & 1;
      if (!on) continue;
      for (const column of new Set([x, GRID - 1 - x])) {
        cells.push(`<rect x="${PAD + column * CELL}" y="${PAD + y * CELL}" width="${CELL}" height="${CELL}"/>`);
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}">` +
    `<rect width="${SIZE}" height="${SIZE}" fill="${bg}"/><g fill="${fg}">${cells.join('')}</g></svg>`
  );
}
