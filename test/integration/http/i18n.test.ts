// The language of the pages and of the answers people read (src/shared/i18n, src/http/language.ts):
// chosen from Accept-Language, switched with ?lang= and kept in a cookie; the sign-in and chat pages,
// error pages and JSON errors in Chinese and English. Real server, fetch.
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/fixture.js';
import { cookieHeader } from '../../helpers/server.js';

const chat = useServer();

const ZH = 'zh-CN,zh;q=0.9';
const EN = 'en-US,en;q=0.9';

async function page(pathname: string, headers: Record<string, string> = {}): Promise<{ response: Response; html: string }> {
  const response = await fetch(`${chat.server.url}${pathname}`, { headers, redirect: 'manual' });
  return { response, html: await response.text() };
}

const htmlLang = (html: string) => /<html lang="([^"]*)">/.exec(html)?.[1];
const guestName = (html: string) => /name="name" value="([^"]*)"/.exec(html)?.[1];
const langCookie = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('lang='));

describe('the language of a page', () => {
  it('is Chinese for a Chinese browser: <html lang>, UI text and a 路人 guest name', async () => {
    const { response, html } = await page('/signin', { 'accept-language': ZH });
    expect(response.status).toBe(200);
    expect(htmlLang(html)).toBe('zh-CN');
    expect(html).toContain('data-lang="zh-CN"');
    expect(html).toContain('<title>登录 · 聊天室</title>');
    expect(html).toContain('进入聊天室');
    expect(html).not.toContain('Enter the chat');
    expect(guestName(html)).toMatch(/^路人[甲乙丙丁戊己庚辛壬癸]$/);
    // The way to the other language.
    expect(html).toContain('<a class="lang-switch" href="?lang=en" hreflang="en" lang="en">English</a>');
    expect(response.headers.get('vary')).toMatch(/accept-language/i);
    expect(response.headers.get('vary')).toMatch(/cookie/i);
    expect(langCookie(response)).toBeUndefined();
  });

  it('is English for an English browser: lang="en", English text and a Guest name', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const { html } = await page('/signin', { 'accept-language': EN });
      expect(htmlLang(html)).toBe('en');
      expect(html).toContain('Enter the chat');
      expect(html).not.toContain('进入聊天室');
      expect(html).toContain('>中文</a>');
      expect(guestName(html)).toMatch(/^Guest \d{4}$/);
      names.add(guestName(html) ?? '');
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('switches with ?lang=, remembers it in a cookie, and keeps it without the query', async () => {
    const { response, html } = await page('/signin?lang=en', { 'accept-language': ZH });
    expect(htmlLang(html)).toBe('en');
    expect(guestName(html)).toMatch(/^Guest /);
    const cookie = langCookie(response);
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toMatch(/path=\//i);
    expect(cookie).toMatch(/samesite=lax/i);
    expect(cookie).toMatch(/expires=/i);
    expect(cookie).not.toMatch(/httponly/i);

    const next = await page('/signin', { 'accept-language': ZH, cookie: cookieHeader(response) });
    expect(htmlLang(next.html)).toBe('en');
    expect(langCookie(next.response)).toBeUndefined();

    // And back: ?lang= wins over the cookie.
    const back = await page('/signin?lang=zh-CN', { 'accept-language': EN, cookie: cookieHeader(response) });
    expect(htmlLang(back.html)).toBe('zh-CN');
    expect(langCookie(back.response)).toMatch(/^lang=zh-CN;/);
  });

  it('switches on / too, even on the way to /signin', async () => {
    const { response } = await page('/?lang=en', { 'accept-language': ZH });
    expect(response.status).toBe(302);
    expect(langCookie(response)).toMatch(/^lang=en;/);
  });

  it('ignores an invalid ?lang= and an invalid cookie', async () => {
    const { response, html } = await page('/signin?lang=xx', { 'accept-language': ZH });
    expect(htmlLang(html)).toBe('zh-CN');
    expect(langCookie(response)).toBeUndefined();
    const withBadCookie = await page('/signin', { 'accept-language': EN, cookie: 'lang=xx' });
    expect(htmlLang(withBadCookie.html)).toBe('en');
  });

  it('translates the signed-in chat page', async () => {
    const { cookie } = await chat.signIn('Reader');
    const zh = await page('/', { 'accept-language': ZH, cookie });
    expect(zh.response.status).toBe(200);
    expect(htmlLang(zh.html)).toBe('zh-CN');
    expect(zh.html).toContain('data-lang="zh-CN"');
    for (const text of ['<title>#lobby · 聊天室</title>', '正在连接…', '退出登录', '房间', '私信', '加载更早的消息', '发送', 'placeholder="发消息到 #lobby"']) {
      expect(zh.html).toContain(text);
    }
    for (const text of ['Connecting…', 'Sign out', 'Load older messages', 'Enter to send']) expect(zh.html).not.toContain(text);
    expect(zh.html).toContain('href="?lang=en"');

    const en = await page('/', { 'accept-language': EN, cookie });
    expect(htmlLang(en.html)).toBe('en');
    for (const text of ['<title>#lobby · Chat</title>', 'Connecting…', 'Sign out', 'Load older messages', 'placeholder="Message #lobby"']) {
      expect(en.html).toContain(text);
    }
    expect(en.html).not.toContain('正在连接');
    // The page keeps the ids the browser code looks for.
    for (const id of ['status-text', 'retry', 'rooms', 'new-room', 'older', 'messages', 'empty', 'composer', 'input', 'send']) {
      expect(en.html).toContain(`id="${id}"`);
    }
  });

  it('shows the signed-in hint with the name as escaped text in both languages', async () => {
    const { cookie } = await chat.signIn('<i>Zoë</i>');
    const zh = await page('/signin', { 'accept-language': ZH, cookie });
    expect(zh.html).toContain('当前身份：<strong>&lt;i&gt;Zoë&lt;/i&gt;</strong>。');
    const en = await page('/signin', { 'accept-language': EN, cookie });
    expect(en.html).toContain('Signed in as <strong>&lt;i&gt;Zoë&lt;/i&gt;</strong>.');
  });
});

describe('messages answered to people', () => {
  const post = (pathname: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${chat.server.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('translates a bad sign-in name, on the form and in JSON', async () => {
    const json = await post('/signin', { name: '' }, { 'accept-language': ZH });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ code: 1, error: '名字须为 1 到 32 个字符，且不能包含控制字符' });

    const form = await fetch(`${chat.server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': EN },
      body: 'name=',
    });
    expect(form.status).toBe(400);
    const html = await form.text();
    expect(htmlLang(html)).toBe('en');
    expect(html).toContain('A name is 1 to 32 characters, with no control characters');
  });

  it('translates room errors and 401', async () => {
    const { cookie } = await chat.signIn('Builder');
    const bad = await post('/rooms', { name: 'a b' }, { cookie, 'accept-language': ZH });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 1, error: '房间名须为 1 到 32 个字符，只能包含文字、数字、- 和 _' });
    expect((await post('/rooms', { name: 'i18n-room' }, { cookie, 'accept-language': ZH })).status).toBe(201);
    const dup = await post('/rooms', { name: 'I18N-room' }, { cookie, 'accept-language': ZH });
    expect(dup.status).toBe(409);
    // Named as it is, whatever spelling was asked for.
    expect(await dup.json()).toEqual({ code: 1, error: '已经有名为“i18n-room”的房间了', room: 'i18n-room' });
    const dupEn = await post('/rooms', { name: 'i18n-room' }, { cookie, 'accept-language': EN });
    expect(await dupEn.json()).toEqual({ code: 1, error: 'A room called “i18n-room” exists already', room: 'i18n-room' });
    const signedOut = await fetch(`${chat.server.url}/rooms`, { headers: { 'accept-language': ZH } });
    expect(await signedOut.json()).toEqual({ code: 1, error: '请先登录' });
  });

  it('translates the error page, also for errors raised before the language is chosen', async () => {
    const { response, html } = await page('/no-such-page', { 'accept-language': ZH });
    expect(response.status).toBe(404);
    expect(htmlLang(html)).toBe('zh-CN');
    expect(html).toContain('<title>404 · 聊天室</title>');
    expect(html).toContain('找不到该页面');
    expect(html).toContain('返回聊天室');
    const staticMissing = await page('/static/nope.css', { 'accept-language': ZH, cookie: 'lang=en' });
    expect(staticMissing.response.status).toBe(404);
    expect(staticMissing.html).toContain('Not found');
    expect(htmlLang(staticMissing.html)).toBe('en');
    const api = await fetch(`${chat.server.url}/no-such-page`, { headers: { accept: 'application/json', 'accept-language': ZH } });
    expect(await api.json()).toEqual({ code: 1, error: '找不到该页面' });
    // A library's error (the body parser's) is answered from the catalogue too.
    const broken = await fetch(`${chat.server.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': ZH },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 1, error: '请求有误' });
  });
});
