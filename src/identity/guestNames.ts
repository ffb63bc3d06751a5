import crypto from 'node:crypto';
import { translate, type Lang } from '../shared/i18n/index.js';

// The ten heavenly stems give the classic placeholder names 路人甲, 路人乙 … 路人癸.
const STEMS = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];

/** Classic names tried before a longer one: enough that one is found free unless most are held. */
const CLASSIC_TRIES = 4;
const LONGER_TRIES = 4;

const stem = () => STEMS[crypto.randomInt(STEMS.length)] ?? '甲';

/** A name to prefill the sign-in form with: `路人甲` … `路人癸` in Chinese, `Guest 4821` in English. */
export function randomGuestName(lang: Lang): string {
  const id = lang === 'zh-CN' ? stem() : String(crypto.randomInt(1000, 10_000));
  return translate(lang, 'guest.name', { id });
}

/** A rarer one, for when the classic ones are held: `路人甲37`, `Guest 48213`. */
function longerGuestName(lang: Lang): string {
  const id = lang === 'zh-CN' ? `${stem()}${crypto.randomInt(10, 100)}` : String(crypto.randomInt(10_000, 100_000));
  return translate(lang, 'guest.name', { id });
}

/**
 * A guest name nobody holds now, so that the one-click sign-in works (a name is held while its
 * guest is signed in, and Chinese has ten classic ones): a classic name if one of a few tried is
 * free, else a longer one; the last tried if all are held (the sign-in then says so).
 */
export async function freeGuestName(lang: Lang, isFree: (name: string) => Promise<boolean>): Promise<string> {
  let name = randomGuestName(lang);
  for (let tried = 0; tried < CLASSIC_TRIES + LONGER_TRIES; tried++) {
    name = tried < CLASSIC_TRIES ? randomGuestName(lang) : longerGuestName(lang);
    if (await isFree(name)) return name;
  }
  return name;
}
