// The README's pictures (static/docs/*.png), taken by the browser tests where the page is in the
// state they show, and written only with UPDATE_SCREENSHOTS=1: a plain run leaves them alone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/paths.js';

export function hasChineseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

/** Writes `static/docs/<name>.png` from the page (the whole page with `fullPage`), when asked to. */
export async function readmeScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  if (!hasChineseFont()) {
    console.warn(`static/docs/${name}.png not updated: no Chinese font installed (Debian: apt-get install fonts-noto-cjk)`);
    return;
  }
  const folder = path.join(ROOT_DIR, 'static/docs');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, `${name}.png`), await page.screenshot({ fullPage }));
}
