// The house rules of the source tree, checked on every run so that the layout stays what
// docs/architecture.md says it is.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/paths.js';

const SRC = path.join(ROOT_DIR, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file imports: bare names as written, relative ones resolved to files under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map(
    (match) => {
      const spec = match[1]!;
      return spec.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), spec)) : spec;
    },
  );
}

const relative = (file: string) => path.relative(SRC, file);

describe('the source tree', () => {
  it('keeps the chat core off the runtime: no koa, ws or node:stream under src/chat', () => {
    const runtime = /^(koa|@koa\/.*|koa-.*|ws|node:stream|stream|node:http|http)$/;
    const offending = sources(path.join(SRC, 'chat')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => runtime.test(spec))
        .map((spec) => `${relative(file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps src/shared loadable in the browser: no Node modules, nothing from outside the folder', () => {
    const offending = sources(path.join(SRC, 'shared')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('node:') || !spec.startsWith('shared/'))
        .map((spec) => `${relative(file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps the developer tools out of the product: nothing outside src/tools imports them', () => {
    const offending = sources(SRC)
      .filter((file) => !relative(file).startsWith('tools/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('tools/'))
          .map((spec) => `${relative(file)} imports ${spec}`),
      );
    expect(offending).toEqual([]);
  });

  it('has no source file much over 300 lines without a reason written at its top', () => {
    const long = sources(SRC)
      .map((file) => ({ file: relative(file), text: fs.readFileSync(file, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 330)
      .filter(({ text }) => !/^\/\/ Why this file is long: \S/m.test(text.split('\n').slice(0, 8).join('\n')))
      .map(({ file, text }) => `${file}: ${text.split('\n').length} lines`);
    expect(long).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  const map = fs.readFileSync(path.join(ROOT_DIR, 'docs/architecture.md'), 'utf8');

  /** The files the map names under each `src/…` heading, as paths from the project root. */
  function named(): Set<string> {
    const files = new Set<string>();
    let folder: string | undefined;
    for (const line of map.split('\n')) {
      const heading = /^#{2,3} (src\/[\w/]*)/.exec(line);
      if (heading) folder = heading[1];
      else if (/^#{2,3} /.test(line)) folder = undefined;
      if (!folder || !/^(- | {2}\S)/.test(line)) continue;
      for (const match of line.matchAll(/`([\w./-]+\.(?:ts|json))`/g)) files.add(path.posix.join(folder, match[1]!));
    }
    return files;
  }

  it('names every source file, under its folder', () => {
    const everyFile = sources(SRC).map((file) => `src/${relative(file)}`);
    const missing = everyFile.filter((file) => !named().has(file));
    expect(missing).toEqual([]);
  });

  it('names no file that is not there', () => {
    const gone = [...named()].filter((file) => !fs.existsSync(path.join(ROOT_DIR, file)));
    const linked = [...map.matchAll(/`(src\/[\w./-]+\.ts)`/g)].map((match) => match[1]!).filter((file) => !fs.existsSync(path.join(ROOT_DIR, file)));
    expect([...gone, ...linked]).toEqual([]);
  });
});
