// Static files named by their content (src/http/assets.ts): a changed file is a new address, an
// unchanged one keeps its address, and a file not built yet is linked by its bare name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Assets, contentHash } from '../../src/http/assets.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-assets-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('assets named by their content', () => {
  it('gives a changed file a new address, and keeps an unchanged one’s', () => {
    const dir = folder({ 'app.js': 'console.log(1);', 'style.css': 'body { color: red; }' });
    const before = new Assets(dir, ['app.js', 'style.css']);
    expect(before.url('style.css')).toBe(`/static/style.css?v=${contentHash(Buffer.from('body { color: red; }'))}`);
    expect(before.url('app.js')).toMatch(/^\/static\/app\.js\?v=[0-9a-f]{12}$/);

    fs.writeFileSync(path.join(dir, 'style.css'), 'body { color: blue; }');
    const after = new Assets(dir, ['app.js', 'style.css']);
    expect(after.url('style.css')).not.toBe(before.url('style.css'));
    expect(after.url('app.js')).toBe(before.url('app.js'));
    // The old address is no longer the current content: it is not promised for a year.
    const oldVersion = new URL(before.url('style.css'), 'http://x').searchParams.get('v');
    expect(after.isCurrent('style.css', oldVersion)).toBe(false);
    expect(before.isCurrent('style.css', oldVersion)).toBe(true);
  });

  it('links a missing file by its bare name, and never calls any version of it current', () => {
    const assets = new Assets(folder({}), ['app.js']);
    expect(assets.url('app.js')).toBe('/static/app.js');
    expect(assets.isCurrent('app.js', undefined)).toBe(false);
    expect(assets.isCurrent('app.js', '')).toBe(false);
  });
});
