// Compression and caching through the bundled nginx sites (nginx/chat.conf and
// nginx/chat-cluster.conf): pages, the script and the stylesheet go out gzip-compressed to a
// browser that accepts it (and plain to one that does not), static files linked by their content
// hash (`?v=`) are kept for a year, others for an hour, and pages are not kept.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { nginxForTests, startNginx, STATIC_DIR, useNginx, type RunningNginx } from '../helpers/nginx.js';
import { signIn } from '../helpers/server.js';

const nginxBinary = nginxForTests();

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as it came, compressed or not. */
  bytes: Buffer;
}

/** A GET whose body is not decoded, so that Content-Encoding is seen as sent. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(STATIC_DIR, file))).digest('hex').slice(0, 12);
const GZIP = { 'accept-encoding': 'gzip, deflate, br' };

/** The checks, for a site at `url` (one process or several). */
function compressionAndCaching(site: () => string, appUrl: () => string) {
  it('compresses pages, the script and the stylesheet, and tells caches it varies', async () => {
    const alice = await signIn(appUrl(), personName('Gzip'));
    const chatPage = await rawGet(`${site()}/`, { ...GZIP, cookie: alice.cookie });
    const signinPage = await rawGet(`${site()}/signin`, GZIP);
    const script = await rawGet(`${site()}/static/app.js?v=${hashOf('app.js')}`, GZIP);
    const style = await rawGet(`${site()}/static/style.css?v=${hashOf('style.css')}`, GZIP);
    for (const [what, answer] of Object.entries({ chatPage, signinPage, script, style })) {
      expect(answer.status, what).toBe(200);
      expect(answer.headers['content-encoding'], what).toBe('gzip');
      expect(answer.headers.vary ?? '', what).toMatch(/Accept-Encoding/i);
    }
    // The same bytes as on disk, at a fraction of the size.
    const scriptOnDisk = fs.readFileSync(path.join(STATIC_DIR, 'app.js'));
    expect(gunzipSync(script.bytes).equals(scriptOnDisk)).toBe(true);
    expect(script.bytes.length).toBeLessThan(scriptOnDisk.length / 2);
    expect(gunzipSync(style.bytes).toString()).toBe(fs.readFileSync(path.join(STATIC_DIR, 'style.css'), 'utf8'));
    expect(gunzipSync(chatPage.bytes).toString()).toContain(`/static/app.js?v=${hashOf('app.js')}`);
    expect(gunzipSync(signinPage.bytes).toString()).toContain(`/static/style.css?v=${hashOf('style.css')}`);
    // A client that does not ask for gzip gets the plain file.
    const plain = await rawGet(`${site()}/static/app.js?v=${hashOf('app.js')}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.equals(scriptOnDisk)).toBe(true);
  });

  it('keeps files named by their hash for a year, other static files for an hour, and pages not at all', async () => {
    for (const file of ['app.js', 'style.css', 'favicon.svg', 'signin.js']) {
      const hashed = await rawGet(`${site()}/static/${file}?v=${hashOf(file)}`);
      expect(hashed.status, file).toBe(200);
      expect(hashed.headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
      const bare = await rawGet(`${site()}/static/${file}`);
      expect(bare.headers['cache-control'], file).toBe('public, max-age=3600');
    }
    expect((await rawGet(`${site()}/static/favicon.svg`)).headers['content-type']).toBe('image/svg+xml');
    const missing = await rawGet(`${site()}/static/nope.css?v=123`);
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBeUndefined();
    const alice = await signIn(appUrl(), personName('Gzip'));
    expect((await rawGet(`${site()}/`, { cookie: alice.cookie })).headers['cache-control']).toBe('no-store');
    expect((await rawGet(`${site()}/signin`)).headers['cache-control'] ?? '').not.toMatch(/max-age=[1-9]|immutable/);
  });
}

describe.skipIf(!nginxBinary)('compression and caching through nginx/chat.conf', () => {
  const chat = useServer({ TRUST_PROXY: '1' });
  const nginx = useNginx(nginxBinary!, chat);
  compressionAndCaching(
    () => nginx.url,
    () => nginx.url,
  );
});

describe.skipIf(!nginxBinary)('compression and caching through nginx/chat-cluster.conf', () => {
  const chat = useServer({ TRUST_PROXY: '1' });
  let nginx: RunningNginx | undefined;
  beforeAll(async () => {
    nginx = await startNginx(nginxBinary!, { appPorts: chat.servers.map((server) => server.port) });
  });
  afterAll(() => nginx?.stop());
  compressionAndCaching(
    () => nginx!.url,
    () => nginx!.url,
  );
});
