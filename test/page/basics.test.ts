// End to end in Debian's Chromium: what a person at the chat page sees, with a `ws` client as the
// other side of the conversation. Without /usr/bin/chromium the file is skipped (a failure in CI).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage } from '../../src/shared/protocol/index.js';
import { chromiumAvailable, cookiesFor, launchPerson, type Person } from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';
import { sleep, until } from '../helpers/wait.js';

const hasChromium = chromiumAvailable();

const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const XSS_NAME = '<img src=y onerror=alert(3)>';
const ALICE = 'Alice 爱丽丝';

/** The one in-page global used below (the project's tsconfig has no DOM lib). */
declare const getComputedStyle: (element: unknown) => { whiteSpace: string };

interface Row {
  id: string | null;
  author: string;
  text: string;
  mine: boolean;
  pending: boolean;
}

/** The message rows of the lobby as a person sees them. */
function rows(page: Page): Promise<Row[]> {
  return page.locator('#messages li.message').evaluateAll((items) =>
    items.map((li) => ({
      id: li.getAttribute('data-id'),
      author: li.querySelector('.author')?.textContent ?? '',
      text: li.querySelector('.text')?.textContent ?? '',
      mine: li.classList.contains('mine'),
      pending: li.classList.contains('pending'),
    })),
  );
}

const withText = (all: Row[], text: string) => all.filter((row) => row.text === text);

/** Waits until `text` is on screen as a message the server has confirmed (it has an id). */
function confirmed(page: Page, text: string, count = 1): Promise<Row[]> {
  return until(
    `${count} confirmed message(s) "${text}"`,
    () => rows(page),
    (all) => withText(all, text).filter((row) => row.id !== null && !row.pending).length >= count,
  );
}

const isChat = (text: string) => (m: ServerMessage) => m.type === 'chat' && m.data === text;

describe.skipIf(!hasChromium)('the chat in Chromium', () => {
  let server: TestServer;
  let alice: Person;
  let bob: SignedIn;
  let bobWs: TestClient;
  const others: Person[] = [];
  const extraServers: TestServer[] = [];
  /** Every URL Alice's browser requested: an injected <img src=x> would ask for /x. */
  const requested: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    alice = await launchPerson();
    alice.context.on('request', (request) => requested.push(request.url()));
    bob = await signIn(server.url, 'Bob');
    bobWs = await TestClient.ready(server.wsUrl, bob.cookie);
    // Already in the history before Alice ever loads the page: the server renders it.
    bobWs.send({ type: 'chat', data: XSS });
    await bobWs.next(isChat(XSS));
  });

  afterAll(async () => {
    await bobWs?.close();
    for (const person of [alice, ...others]) await person?.close();
    for (const running of [server, ...extraServers]) await running?.close();
  });

  /** Closes the server and starts a new one on the same port and data folder. */
  async function restartServer(between: () => Promise<void> = async () => {}): Promise<void> {
    const { port, dataDir } = server;
    await server.close();
    await between();
    server = await startTestServer({ PORT: String(port) }, dataDir);
  }

  it('sends a newcomer to /signin with a guest name, and into the chat under the name they choose', async () => {
    const { page } = alice;
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');

    const name = page.locator('input[name="name"]');
    expect(await name.inputValue()).toMatch(/^Guest \d+$/); // an en-US browser; zh gets 路人甲… (test/i18n.test.ts)
    await name.fill(ALICE);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form.signin button[type="submit"]').click()]);

    expect(await page.locator('.me-name').textContent()).toBe(ALICE);
    await page.waitForSelector('#status[data-state="online"]');
    expect(await page.locator('#status-text').textContent()).toMatch(/connected/i);
    expect(alice.dialogs).toEqual([]);
  });

  it('sends with Enter, to the page and to another user; Shift+Enter makes a new line', async () => {
    const { page } = alice;
    const input = page.locator('#input');
    const hello = 'Hello from the browser, 你好！';
    await input.click();
    await page.keyboard.type(hello);
    await page.keyboard.press('Enter');

    const mine = withText(await confirmed(page, hello), hello);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ mine: true, author: ALICE });
    expect(await page.locator('#messages .message.mine .text').last().textContent()).toBe(hello);
    expect(await input.inputValue()).toBe('');

    const got = await bobWs.next<ChatMessage>(isChat(hello));
    expect(got).toMatchObject({ room: 'lobby', user: { name: ALICE } });

    // Shift+Enter: a new line in the box, nothing sent.
    const before = (await rows(page)).length;
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    expect(await input.inputValue()).toBe('line one\nline two');
    expect(await bobWs.quietFor(300, (m) => m.type === 'chat')).toEqual([]);
    expect(await rows(page)).toHaveLength(before);

    await page.keyboard.press('Enter');
    const twoLines = 'line one\nline two';
    expect(withText(await confirmed(page, twoLines), twoLines)).toHaveLength(1);
    await bobWs.next(isChat(twoLines));
    // Shown on two lines, not run together.
    const text = page.locator('#messages .message.mine .text').last();
    expect(await text.evaluate((el) => getComputedStyle(el).whiteSpace)).toMatch(/^pre-(wrap|line)$|^break-spaces$/);
    expect(alice.dialogs).toEqual([]);
  });

  it("shows another user's message as it arrives", async () => {
    const { page } = alice;
    const text = 'Hi Alice! 收到你的消息了。';
    bobWs.send({ type: 'chat', data: text });
    const seen = withText(await confirmed(page, text), text);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ mine: false, author: 'Bob' });
  });

  it('shows HTML in messages and names as literal text and never runs it', async () => {
    const { page } = alice;
    // From the page…
    await page.locator('#input').fill(XSS);
    await page.locator('#input').press('Enter');
    await bobWs.next(isChat(XSS));
    // …from the ws client, and from a user whose very name is markup.
    const mallory = await signIn(server.url, XSS_NAME);
    const malloryWs = await TestClient.ready(server.wsUrl, mallory.cookie);
    malloryWs.send({ type: 'chat', data: XSS });
    await malloryWs.next(isChat(XSS));
    await malloryWs.close();

    const check = async (when: string) => {
      const all = await until(`three copies of the payload (${when})`, () => rows(page), (r) => withText(r, XSS).length === 3);
      const copies = withText(all, XSS);
      expect(copies.map((row) => row.author).sort()).toEqual([ALICE, 'Bob', XSS_NAME].sort());
      expect(copies.filter((row) => row.mine)).toHaveLength(1);
      expect(await page.locator('#messages .text img, #messages .author img').count()).toBe(0);
      expect(await page.locator('#messages img:not(.avatar), #messages script, #users img:not(.avatar), #users script').count()).toBe(0);
      // The server-rendered copy in particular (it was in the history before the page loaded).
      const first = page.locator('#messages li.message .text', { hasText: 'onerror=alert(1)' }).first();
      expect(await first.textContent()).toBe(XSS);
    };
    await check('live');
    // Now every copy comes from the server's HTML.
    await page.reload();
    await page.waitForSelector('#status[data-state="online"]');
    await check('server-rendered');

    const cookie = (await alice.context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(2)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');

    await sleep(300); // an <img> error handler fires about at once; give it the chance
    expect(alice.dialogs).toEqual([]);
    expect(requested.filter((url) => /\/[xy]$/.test(url))).toEqual([]);
  });

  it('goes offline when the server stops, comes back by itself, and misses or doubles nothing', async () => {
    const { page } = alice;
    await page.waitForSelector('#status[data-state="online"]');
    const before = await rows(page);
    const beforeIds = before.map((row) => row.id);
    expect(new Set(beforeIds).size).toBe(beforeIds.length);

    const offline = 'Typed while offline, 离线时写的';
    const missed = 'Posted while you were away 你不在时发的';
    const live = 'And this one live, 这条是实时的';
    await restartServer(async () => {
      await page.waitForSelector('#status[data-state="waiting"]', { timeout: 5000 });
      expect(await page.locator('#status-text').textContent()).toMatch(/offline.*reconnecting/i);
      expect(await page.locator('#retry').isVisible()).toBe(true);
      // What a person sends now waits, visibly unconfirmed, and goes out on reconnect.
      await page.locator('#input').fill(offline);
      await page.locator('#input').press('Enter');
      const pending = withText(await rows(page), offline);
      expect(pending).toEqual([expect.objectContaining({ pending: true, id: null })]);
    });
    await bobWs.closed;
    bobWs = await TestClient.ready(server.wsUrl, bob.cookie);
    bobWs.send({ type: 'chat', data: missed });
    await bobWs.next(isChat(missed));

    await page.waitForSelector('#status[data-state="online"]', { timeout: 15_000 });
    await confirmed(page, missed);
    await confirmed(page, offline);
    await bobWs.next(isChat(offline));
    bobWs.send({ type: 'chat', data: live });
    await confirmed(page, live);
    await sleep(300); // anything doubled would arrive by now

    const after = await rows(page);
    const afterIds = after.map((row) => row.id);
    expect(afterIds.every((id) => id !== null)).toBe(true);
    expect(new Set(afterIds).size).toBe(afterIds.length);
    expect(afterIds.slice(0, beforeIds.length)).toEqual(beforeIds);
    expect(after.map((row) => row.text).slice(before.length).sort()).toEqual([missed, offline, live].sort());
    expect(await bobWs.quietFor(100, isChat(offline))).toEqual([]);
    expect(alice.dialogs).toEqual([]);
    expect(alice.pageErrors).toEqual([]);
  }, 30_000);

  it('sends a person whose cookie is no longer valid to /signin', async () => {
    // A tampered cookie on a fresh page load: the signature no longer matches.
    const carol = await launchPerson();
    others.push(carol);
    const signed = await signIn(server.url, 'Carol');
    await carol.context.addCookies(cookiesFor(server.url, signed.cookie));
    await carol.page.goto(`${server.url}/`);
    expect(new URL(carol.page.url()).pathname).toBe('/'); // the genuine cookie works
    const forged = Buffer.from(JSON.stringify({ ...signed.user, name: 'Admin' }), 'utf8').toString('base64');
    await carol.context.addCookies([{ name: 'user', value: forged, url: server.url }]);
    await carol.page.goto(`${server.url}/`);
    expect(new URL(carol.page.url()).pathname).toBe('/signin');

    // Cookies gone while the page is open: the socket's next reconnect is refused with 4001.
    const { page } = alice;
    await page.waitForSelector('#status[data-state="online"]');
    await alice.context.clearCookies();
    await restartServer();
    await page.waitForURL((url) => url.pathname === '/signin', { timeout: 15_000 });
    expect(await page.locator('input[name="name"]').inputValue()).toMatch(/^Guest \d+$/);
    expect(alice.dialogs).toEqual([]);
  }, 30_000);
});
