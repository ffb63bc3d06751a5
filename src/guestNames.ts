import crypto from 'node:crypto';

// The ten heavenly stems give the classic placeholder names 路人甲, 路人乙 … 路人癸.
const STEMS = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];

export function randomGuestName(): string {
  return `路人${STEMS[crypto.randomInt(STEMS.length)]}`;
}
