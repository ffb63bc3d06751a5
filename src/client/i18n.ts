// The page's language, as the server chose it (<html lang>), and the shared catalogue's strings in it.
import { isLang, translate, type Key, type Lang, type ParamArgs } from '../shared/i18n/index.js';

const pageLang = document.documentElement.lang;
export const lang: Lang = isLang(pageLang) ? pageLang : 'en';

export function t<K extends Key>(key: K, ...params: ParamArgs<K>): string {
  return translate(lang, key, ...params);
}
