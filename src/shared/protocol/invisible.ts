// Characters that show nothing, or change how the text around them is shown: refused in user and
// room names (a name of a zero-width space, or a U+202E that turns `gnp.exe` round, is not a
// name), and a message made only of them and white space is `empty`. Messages may hold them
// otherwise: they are text someone wrote.

/**
 * Format characters (\p{Cf}: zero-width spaces and joiners U+200B–U+200F, the bidi embeddings,
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, U+2060–U+2064, U+FEFF, U+00AD, tags…),
 * controls, lone surrogates, line and paragraph separators, every Default_Ignorable_Code_Point
 * (the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner, the
 * Mongolian selectors…) and U+2800 (BRAILLE PATTERN BLANK, a letter-like blank).
 */
const INVISIBLE = String.raw`\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800`;

/** The variation selectors (U+FE00–U+FE0F) choose how the character before them looks (❤️ is ❤ and U+FE0F): allowed in user names. */
const VARIATION_SELECTOR = String.raw`\uFE00-\uFE0F`;

const IN_USER_NAME = new RegExp(`(?![${VARIATION_SELECTOR}])[${INVISIBLE}]`, 'u');
const IN_ROOM_NAME = new RegExp(`[${INVISIBLE}]`, 'u');
const ALL_INVISIBLE = new RegExp(`[${INVISIBLE}]`, 'gu');
const ONLY_BLANK = new RegExp(`^[\\s${INVISIBLE}]*$`, 'u');

/** Whether a user name holds a character that shows nothing or reorders text (a variation selector is fine). */
export function hasInvisibleInUserName(name: string): boolean {
  return IN_USER_NAME.test(name);
}

/** Whether a room name holds a character that shows nothing or reorders text. */
export function hasInvisibleInRoomName(name: string): boolean {
  return IN_ROOM_NAME.test(name);
}

/** Whether the text is only white space and characters that show nothing: an `empty` message. */
export function isBlank(text: string): boolean {
  return ONLY_BLANK.test(text);
}

/** The text without its invisible characters: what two names are compared by. */
export function withoutInvisible(text: string): string {
  return text.replace(ALL_INVISIBLE, '');
}

/**
 * What an emoji needs of the invisible characters: a zero-width joiner between two pictographs
 * (👨‍👩‍👧, a skin tone or selector may come between), and the tags of a subdivision flag after 🏴.
 */
const EMOJI_JOINS = /(?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})|(?<=\u{1F3F4}[\u{E0020}-\u{E007F}]*)[\u{E0020}-\u{E007F}]/gu;

/** Whether a reaction holds a character that shows nothing or reorders text, besides what an emoji is made of. */
export function hasInvisibleInEmoji(text: string): boolean {
  return IN_USER_NAME.test(text.replace(EMOJI_JOINS, ''));
}
