// The security headers each location of the bundled nginx site really sends: /static/ is served
// by nginx alone, so it must add the app's headers itself (nosniff, the CSP), and an add_header in
// a location drops the server's, so HSTS enabled as the file says must reach /static/ too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixture.js';
import { nginxForTests, startNginx, useNginx, type RunningNginx } from '../helpers/nginx.js';

const nginxBinary = nginxForTests();

/** The headers of a GET, body read and dropped. */
async function headersOf(url: string): Promise<{ status: number; headers: Headers }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}

describe.skipIf(!nginxBinary)('security headers through the bundled nginx site', () => {
  const chat = useServer({ TRUST_PROXY: '1' });
  const nginx = useNginx(nginxBinary!, chat);

  it('sends nosniff and the app’s own CSP with /static/ files, and with their 404', async () => {
    const app = (await headersOf(`${chat.server.url}/signin`)).headers;
    const policy = app.get('content-security-policy');
    expect(policy).toContain("frame-ancestors 'none'");
    for (const [path, status] of [['/static/style.css', 200], ['/static/docs/chat-en.png', 200], ['/static/nope.css', 404]] as const) {
      const { status: got, headers } = await headersOf(`${nginx.url}${path}`);
      expect(got, path).toBe(status);
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('content-security-policy'), path).toBe(policy);
      for (const name of ['x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']) expect(headers.get(name), `${path} ${name}`).toBe(app.get(name));
    }
  });

  it('passes the app’s headers through once on proxied pages', async () => {
    const app = (await headersOf(`${chat.server.url}/signin`)).headers;
    const proxied = (await headersOf(`${nginx.url}/signin`)).headers;
    for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options']) expect(proxied.get(name), name).toBe(app.get(name));
  });
});

describe.skipIf(!nginxBinary)('the bundled nginx site with HSTS enabled as its comments say', () => {
  const chat = useServer({ TRUST_PROXY: '1' });
  let nginx: RunningNginx | undefined;
  beforeAll(async () => {
    const enableHsts = (source: string) => source.replace(/^(\s*)# (add_header Strict-Transport-Security .*)$/gm, '$1$2');
    nginx = await startNginx(nginxBinary!, { appPort: chat.server.port, edit: enableHsts });
  });
  afterAll(() => nginx?.stop());

  it('sends Strict-Transport-Security from every location, /static/ included', async () => {
    for (const path of ['/static/style.css', '/static/nope.css', '/signin', '/healthz']) {
      const { headers } = await headersOf(`${nginx!.url}${path}`);
      expect(headers.get('strict-transport-security'), path).toBe('max-age=31536000');
    }
    expect((await headersOf(`${nginx!.url}/static/style.css`)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
