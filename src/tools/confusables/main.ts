// `npm run confusables [-- <confusables.json>]`: writes src/shared/protocol/confusables.ts from the
// confusable_homoglyphs package's JSON (Debian's python3-confusable-homoglyphs by default), with
// no network. Run it again only with a migration that computes the name keys again (see the header).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../paths.js';
import { confusableClasses, type ConfusablesJson } from './classes.js';
import { tableSource } from './source.js';

const DEFAULT_JSON = '/usr/lib/python3/dist-packages/confusable_homoglyphs/confusables.json';
const OUTPUT = path.join(ROOT_DIR, 'src/shared/protocol/confusables.ts');

/** The package's version, from the `_version.py` beside the JSON, when it is there. */
function packageVersion(jsonFile: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(path.dirname(jsonFile), '_version.py'), 'utf8');
    return /"version":\s*"([^"]+)"/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

const file = process.argv[2] ?? DEFAULT_JSON;
if (!fs.existsSync(file)) {
  console.error(`${file} not found: apt-get install python3-confusable-homoglyphs, or name the JSON`);
  process.exit(2);
}
const json = JSON.parse(fs.readFileSync(file, 'utf8')) as ConfusablesJson;
const classes = confusableClasses(json);
const version = packageVersion(file);
fs.writeFileSync(OUTPUT, tableSource(classes, { file, ...(version === undefined ? {} : { version }) }));
console.log(`${path.relative(ROOT_DIR, OUTPUT)}: ${classes.length} classes`);
