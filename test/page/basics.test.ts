// End to end in Debian's Chromium: what a person at the chat page sees, with a `ws` client as the
// other side of the conversation. Signing in, sending (Enter, Shift+Enter), receiving, markup shown
// as text and never run, going offline and back without missing or doubling anything, and a
// cookie that is no longer valid. Without /usr/bin/chromium the file is skipped (a failure in CI).
import { beforeAll, expect, it } from 'vitest';
import { cookiesFor, settlePage, type Person } from '../helpers/browser.js';
import { chatWith, say as post } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { copiesOf, describeInChromium, reloadChat, usePeople, visibleMessages, waitForMessage } from '../helpers/page.js';
import { freePort } from '../helpers/ports.js';
import type { SignedIn } from '../helpers/server.js';
import { sleep, until } from '../helpers/wait.js';

const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const XSS_NAME = '<img src=y onerror=alert(3)>';
const ALICE = 'Alice 爱丽丝';

/** The one in-page global used below (the project's tsconfig has no DOM lib). */
declare const getComputedStyle: (element: unknown) => { whiteSpace: string };

/** The server restarts within the file, and Alice's open page must find it again where it was. */
const PORT = String(await freePort());

describeInChromium('the chat in Chromium', () => {
  const chat = useServer({ PORT });
  const people = usePeople(chat);
  let alice: Person;
  let bob: SignedIn;

  beforeAll(async () => {
    alice = await people.launch();
    bob = await chat.signIn('Bob');
    // Already in the history before Alice ever loads the page: the server renders it.
    await post(await chat.connect(bob), XSS);
  });

  it('sends a newcomer to /signin with a guest name, and into the chat under the name they choose', async () => {
    const { page } = alice;
    await page.goto(`${chat.server.url}/`);
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
    const bobWs = await chat.connect(bob);
    const input = page.locator('#input');
    const hello = 'Hello from the browser, 你好！';
    await input.click();
    await page.keyboard.type(hello);
    await page.keyboard.press('Enter');

    await waitForMessage(page, hello);
    const mine = await copiesOf(page, hello);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ mine: true, author: ALICE });
    expect(await page.locator('#messages .message.mine .text').last().textContent()).toBe(hello);
    expect(await input.inputValue()).toBe('');

    const got = await bobWs.next(chatWith(hello));
    expect(got).toMatchObject({ room: 'lobby', user: { name: ALICE } });

    // Shift+Enter: a new line in the box, nothing sent.
    const before = (await visibleMessages(page)).length;
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    expect(await input.inputValue()).toBe('line one\nline two');
    // Whatever the page sent went out before its ping; the server passed it on to Bob before his.
    await settlePage(page);
    await bobWs.settle();
    expect(bobWs.pending((m) => m.type === 'chat')).toEqual([]);
    expect(await visibleMessages(page)).toHaveLength(before);

    await page.keyboard.press('Enter');
    const twoLines = 'line one\nline two';
    await waitForMessage(page, twoLines);
    expect(await copiesOf(page, twoLines)).toHaveLength(1);
    await bobWs.next(chatWith(twoLines));
    // Shown on two lines, not run together.
    const text = page.locator('#messages .message.mine .text').last();
    expect(await text.evaluate((el) => getComputedStyle(el).whiteSpace)).toMatch(/^pre-(wrap|line)$|^break-spaces$/);
    expect(alice.dialogs).toEqual([]);
  });

  it("shows another user's message as it arrives", async () => {
    const { page } = alice;
    const text = 'Hi Alice! 收到你的消息了。';
    (await chat.connect(bob)).send({ type: 'chat', data: text });
    await waitForMessage(page, text);
    const seen = await copiesOf(page, text);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ mine: false, author: 'Bob' });
  });

  it('shows HTML in messages and names as literal text and never runs it', async () => {
    const { page } = alice;
    const bobWs = await chat.connect(bob);
    // From the page…
    await page.locator('#input').fill(XSS);
    await page.locator('#input').press('Enter');
    await bobWs.next(chatWith(XSS));
    // …from the ws client, and from a user whose very name is markup.
    const mallory = await chat.signIn(XSS_NAME);
    await post(await chat.connect(mallory), XSS);

    const check = async (when: string) => {
      const copies = await until(`three copies of the payload (${when})`, () => copiesOf(page, XSS), (found) => found.length === 3);
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
    await reloadChat(page);
    await check('server-rendered');

    const cookie = (await alice.context.cookies(chat.server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie } })).text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(2)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');

    // Time, not a reply: an injected image would first be fetched (and fail) over the network, then
    // run its error handler; nothing the test can ping orders that.
    await sleep(300);
    expect(alice.dialogs).toEqual([]);
    expect(alice.requested.filter((url) => /\/[xy]$/.test(url))).toEqual([]);
  });

  it('goes offline when the server stops, comes back by itself, and misses or doubles nothing', async () => {
    const { page } = alice;
    await page.waitForSelector('#status[data-state="online"]');
    const before = await visibleMessages(page);
    const beforeIds = before.map((row) => row.id);
    expect(new Set(beforeIds).size).toBe(beforeIds.length);

    const offline = 'Typed while offline, 离线时写的';
    const missed = 'Posted while you were away 你不在时发的';
    const live = 'And this one live, 这条是实时的';
    await chat.server.close();
    await page.waitForSelector('#status[data-state="waiting"]', { timeout: 5000 });
    expect(await page.locator('#status-text').textContent()).toMatch(/offline.*reconnecting/i);
    expect(await page.locator('#retry').isVisible()).toBe(true);
    // What a person sends now waits, visibly unconfirmed, and goes out on reconnect.
    await page.locator('#input').fill(offline);
    await page.locator('#input').press('Enter');
    expect(await copiesOf(page, offline)).toEqual([expect.objectContaining({ pending: true, id: null })]);
    await chat.restart(); // the same data folder, and the same port (PORT above)

    const bobWs = await chat.connect(bob);
    await post(bobWs, missed);
    await page.waitForSelector('#status[data-state="online"]', { timeout: 15_000 });
    await waitForMessage(page, missed);
    await waitForMessage(page, offline);
    await bobWs.next(chatWith(offline));
    bobWs.send({ type: 'chat', data: live });
    await waitForMessage(page, live);
    // A double (replayed, or resent by the page) would have reached the page before the answer to its ping…
    await settlePage(page);

    const after = await visibleMessages(page);
    const afterIds = after.map((row) => row.id);
    expect(afterIds.every((id) => id !== null)).toBe(true);
    expect(new Set(afterIds).size).toBe(afterIds.length);
    expect(afterIds.slice(0, beforeIds.length)).toEqual(beforeIds);
    expect(after.map((row) => row.text).slice(before.length).sort()).toEqual([missed, offline, live].sort());
    // …and Bob before the answer to his: the page's ping came after anything it resent.
    await bobWs.settle();
    expect(bobWs.pending(chatWith(offline))).toEqual([]);
    expect(alice.dialogs).toEqual([]);
    expect(alice.pageErrors).toEqual([]);
  }, 30_000);

  it('sends a person whose cookie is no longer valid to /signin', async () => {
    // A tampered cookie on a fresh page load: the signature no longer matches.
    const carol = await people.launch();
    const signed = await chat.signIn('Carol');
    const url = chat.server.url;
    await carol.context.addCookies(cookiesFor(url, signed.cookie));
    await carol.page.goto(`${url}/`);
    expect(new URL(carol.page.url()).pathname).toBe('/'); // the genuine cookie works
    const forged = Buffer.from(JSON.stringify({ ...signed.user, name: 'Admin' }), 'utf8').toString('base64');
    await carol.context.addCookies([{ name: 'user', value: forged, url }]);
    await carol.page.goto(`${url}/`);
    expect(new URL(carol.page.url()).pathname).toBe('/signin');

    // Cookies gone while the page is open: the socket's next reconnect is refused with 4001.
    const { page } = alice;
    await page.waitForSelector('#status[data-state="online"]');
    await alice.context.clearCookies();
    await chat.restart();
    await page.waitForURL((at) => at.pathname === '/signin', { timeout: 15_000 });
    expect(await page.locator('input[name="name"]').inputValue()).toMatch(/^Guest \d+$/);
    expect(alice.dialogs).toEqual([]);
  }, 30_000);
});
