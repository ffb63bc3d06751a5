// The Origin check for a site reached over https (behind nginx: TRUST_PROXY=1 and
// X-Forwarded-Proto: https): an http:// page of the same host is another origin, for state-changing
// requests and for the WebSocket upgrade alike. Over plain http both schemes stay accepted.
import { describe, expect, it } from 'vitest';
import { roomName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { upgradeStatus } from '../helpers/upgrade.js';

describe('the Origin check over https', () => {
  for (const trustProxy of ['1', '0']) {
    describe(`with TRUST_PROXY=${trustProxy}`, () => {
      const chat = useServer({ TRUST_PROXY: trustProxy });
      const host = () => new URL(chat.server.url).host;
      // Without a trusted proxy, X-Forwarded-Proto is the client's word: the site is over http.
      const overHttps = trustProxy === '1';

      const createRoom = async (cookie: string, origin: string) => {
        const response = await fetch(`${chat.server.url}/rooms`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', cookie, origin, 'x-forwarded-proto': 'https' },
          body: JSON.stringify({ name: roomName() }),
        });
        await response.text();
        return response.status;
      };

      it(`${overHttps ? 'refuses' : 'accepts'} a POST from http://<host>, and accepts https://<host>`, async () => {
        const { cookie } = await chat.signIn('Poster');
        expect(await createRoom(cookie, `http://${host()}`)).toBe(overHttps ? 403 : 201);
        expect(await createRoom(cookie, `https://${host()}`)).toBe(201);
        expect(await createRoom(cookie, 'https://evil.example')).toBe(403);
      });

      it(`${overHttps ? 'refuses' : 'accepts'} an upgrade from http://<host>, and accepts https://<host>`, async () => {
        const { cookie } = await chat.signIn('Upgrader');
        const proto = { cookie, 'x-forwarded-proto': 'https' };
        expect(await upgradeStatus(chat.server.wsUrl, { ...proto, origin: `http://${host()}` })).toBe(overHttps ? 403 : 101);
        expect(await upgradeStatus(chat.server.wsUrl, { ...proto, origin: `https://${host()}` })).toBe(101);
        expect(await upgradeStatus(chat.server.wsUrl, { ...proto, origin: 'https://evil.example' })).toBe(403);
      });
    });
  }
});
