// GET /signout from another site (a link or an image there: Sec-Fetch-Site: cross-site, or a
// foreign Origin or Referer) gets a one-button confirmation page and signs nobody out; the site's
// own links and a typed address still sign out at once, as the contract says; HEAD changes nothing.
import { describe, expect, it } from 'vitest';
import { expectStillChatting } from '../../helpers/chat.js';
import { useServer } from '../../helpers/fixture.js';
import type { SignedIn } from '../../helpers/server.js';

const chat = useServer({ ALLOWED_ORIGINS: 'https://friend.example' });

const getSignout = (who: SignedIn | undefined, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${chat.server.url}/signout`, { method, headers: { ...(who ? { cookie: who.cookie } : {}), ...headers }, redirect: 'manual' });

/** Whether the cookie still opens the chat page. */
async function signedIn(who: SignedIn): Promise<boolean> {
  const response = await fetch(`${chat.server.url}/`, { headers: { cookie: who.cookie }, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status === 200;
}

describe('GET /signout from another site', () => {
  const foreign: Record<string, Record<string, string>> = {
    'Sec-Fetch-Site: cross-site': { 'sec-fetch-site': 'cross-site' },
    'Sec-Fetch-Site: same-site (a sibling host)': { 'sec-fetch-site': 'same-site' },
    'a foreign Origin': { origin: 'https://evil.example' },
    'a foreign Referer': { referer: 'https://evil.example/page.html' },
    'Origin: null': { origin: 'null' },
  };
  for (const [what, headers] of Object.entries(foreign)) {
    it(`shows a confirmation page for ${what}, and leaves the session and its sockets working`, async () => {
      const visitor = await chat.signIn('Visitor');
      const socket = await chat.connect(visitor);
      const response = await getSignout(visitor, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.getSetCookie()).toEqual([]);
      const html = await response.text();
      expect(html).toMatch(/<form method="post" action="\/signout"/);
      expect(html.match(/<button/g)).toHaveLength(1);
      expect(html).toContain('Visitor');
      expect(await signedIn(visitor)).toBe(true);
      await expectStillChatting(socket);
    });
  }

  it('signs out when the confirmation’s button is pressed (a same-origin POST), and a foreign POST is refused', async () => {
    const visitor = await chat.signIn('Presser');
    const refused = await getSignout(visitor, { origin: 'https://evil.example' }, 'POST');
    expect(refused.status).toBe(403);
    expect(await signedIn(visitor)).toBe(true);
    const pressed = await getSignout(visitor, { origin: chat.server.url }, 'POST');
    expect(pressed.status).toBe(302);
    expect(await signedIn(visitor)).toBe(false);
  });
});

describe('GET /signout from the site itself', () => {
  const own: Record<string, () => Record<string, string>> = {
    'no such headers (a typed address, a program)': () => ({}),
    'Sec-Fetch-Site: none (typed, a bookmark)': () => ({ 'sec-fetch-site': 'none' }),
    'the site’s own link': () => ({ 'sec-fetch-site': 'same-origin', referer: `${chat.server.url}/` }),
    'a link from an allowed origin': () => ({ referer: 'https://friend.example/' }),
  };
  for (const [what, headers] of Object.entries(own)) {
    it(`signs out at once for ${what}: cookie cleared, 302 to /signin`, async () => {
      const leaving = await chat.signIn('Leaving');
      const response = await getSignout(leaving, headers());
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/signin');
      expect(response.headers.getSetCookie().find((c) => c.startsWith('user='))).toMatch(/expires=Thu, 01 Jan 1970/i);
      expect(await signedIn(leaving)).toBe(false);
    });
  }

  it('sends someone who is not signed in to /signin, whoever linked there', async () => {
    const response = await getSignout(undefined, { 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/signin');
  });
});

describe('HEAD /signout', () => {
  it('changes nothing: no cookie cleared, the session still works', async () => {
    const visitor = await chat.signIn('Header');
    const socket = await chat.connect(visitor);
    for (const headers of [{}, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const response = await getSignout(visitor, headers, 'HEAD');
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await signedIn(visitor)).toBe(true);
    await expectStillChatting(socket);
  });
});
