import crypto from 'node:crypto';
import { translate, type Lang } from '../shared/i18n/index.js';

// The ten heavenly stems give the classic placeholder names 路人甲, 路人乙 … 路人癸.
const STEMS = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];

/** A name to prefill the sign-in form with: `路人甲` … `路人癸` in Chinese, `Guest 4821` in English. */
export function randomGuestName(lang: Lang): string {
  const id = lang === 'zh-CN' ? (STEMS[crypto.randomInt(STEMS.length)] ?? '甲') : String(crypto.randomInt(1000, 10_000));
  return translate(lang, 'guest.name', { id });
}
