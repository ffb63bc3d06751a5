// The limits of `GET /search` that need no large store (docs/protocol.md, "GET /search";
// docs/security.md, "Rate limits and caps"): SEARCH_RATE_LIMIT per user, and control characters
// (NUL above all, which ended SQLite's strings) refused with 400 on both paths.
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

const chat = useServer({ SEARCH_RATE_LIMIT: '3' });

/** A search with the query string as given (already encoded), asking for JSON in a language. */
async function ask(who: SignedIn, query: string, lang = 'en'): Promise<Response> {
  return fetch(`${chat.server.url}/search${query}`, {
    headers: { cookie: who.cookie, accept: 'application/json', 'accept-language': lang },
  });
}

describe('GET /search limits', () => {
  it('allows SEARCH_RATE_LIMIT searches a minute per user, then 429 with Retry-After; someone else is not affected', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    for (let i = 0; i < 3; i++) expect((await ask(alice, `?q=hello${i}`)).status).toBe(200);
    const refused = await ask(alice, '?q=hello');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({ code: 1, error: 'Too many searches (at most 3 a minute): try again in a minute' });
    const inChinese = await ask(alice, '?q=你好', 'zh-CN');
    expect(inChinese.status).toBe(429);
    expect(await inChinese.json()).toEqual({ code: 1, error: '搜索太频繁了（每分钟最多 3 次），请一分钟后再试' });

    expect((await ask(bob, '?q=hello')).status).toBe(200);
  });

  it('refuses NUL and other control characters in q with 400, on the indexed path and the short one, without counting them', async () => {
    const carol = await chat.signIn('Carol');
    // x%00nul was a 500 (an unterminated FTS5 string); %00 alone matched every message.
    for (const q of ['x%00nul', '%00', 'a%00', '%00%00%00', 'a%01b', 'ab%7F', 'a%C2%85b', 'a%09b', 'line%0Abreak']) {
      const response = await ask(carol, `?q=${q}`);
      expect(response.status, q).toBe(400);
      expect(await response.json(), q).toEqual({ code: 1, error: 'A search may not contain control characters' });
    }
    const inChinese = await ask(carol, '?q=x%00nul', 'zh-CN');
    expect(await inChinese.json()).toEqual({ code: 1, error: '搜索内容不能包含控制字符' });
    // Whitespace around the query is trimmed as before, tabs and line breaks included.
    expect((await ask(carol, '?q=%09hello%0A')).status).toBe(200);
    // None of the refusals counted toward the limit.
    for (let i = 0; i < 2; i++) expect((await ask(carol, `?q=hello${i}`)).status).toBe(200);
  });

  it('refuses control characters in room with 400, before looking for the room', async () => {
    const dave = await chat.signIn('Dave');
    for (const room of ['lobby%00', '%00', 'lob%1Bby']) {
      const response = await ask(dave, `?q=hello&room=${room}`);
      expect(response.status, room).toBe(400);
      expect(await response.json()).toEqual({ code: 1, error: 'A search may not contain control characters' });
    }
    const none = await ask(dave, '?q=hello&room=no-such-room');
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ code: 1, error: 'There is no room "no-such-room"' });
  });
});
