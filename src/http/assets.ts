// The static files pages link to, each named with a hash of its content (`/static/app.js?v=<hash>`),
// read once at start: a browser may keep such a file for a year, since a changed file is a new name.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The files pages link to, under static/. */
export const LINKED_ASSETS = ['app.js', 'signin.js', 'style.css', 'favicon.svg'] as const;
export type LinkedAsset = (typeof LINKED_ASSETS)[number];

/** How long a browser keeps a file named with its content's hash: a year, never asking again. */
export const HASHED_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The first 12 hex digits of the content's SHA-256: a new version of a file is a new name. */
export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

export class Assets {
  private readonly versions = new Map<string, string>();

  /** Hashes each file now; one missing (a bundle not built yet) is linked by its bare name. */
  constructor(dir: string, files: readonly string[] = LINKED_ASSETS) {
    for (const file of files) {
      try {
        this.versions.set(file, contentHash(fs.readFileSync(path.join(dir, file))));
      } catch {
        // Left out: linked bare, and served with the short lifetime.
      }
    }
  }

  /** The address a page links to: the file with its version. */
  url(file: string): string {
    const version = this.versions.get(file);
    return version === undefined ? `/static/${file}` : `/static/${file}?v=${version}`;
  }

  /** Whether `version` names the content served for `file` now, so that it may be kept for good. */
  isCurrent(file: string, version: unknown): boolean {
    return typeof version === 'string' && this.versions.get(file) === version;
  }
}
