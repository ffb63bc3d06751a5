// The chat page in Chromium, part 1: rooms in the sidebar (list, create, join, leave, switch, with
// their own drafts and scroll positions), avatars, safe links, and the page for everyone (ARIA live
// region, keyboard, focus outline, a 360 px phone, dark mode, contrast).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import {
  chromiumAvailable,
  conversationTitle,
  createRoomAs,
  launchPerson,
  openChat,
  reloadChat,
  roomButton,
  say,
  sleep,
  until,
  visibleMessages,
  waitForMessage,
  type Person,
} from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from '../helpers/server.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: (element: unknown) => Record<string, string>;
declare const innerHeight: number;
declare const Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> };

const hasChromium = chromiumAvailable();

/** What the sidebar shows of one room. */
interface RoomRow {
  name: string | null;
  label: string;
  count: string;
  joined: boolean;
  current: boolean;
}

function sidebarRooms(page: Page): Promise<RoomRow[]> {
  return page.locator('#rooms .room-link').evaluateAll((buttons) =>
    buttons.map((b) => ({
      name: b.getAttribute('data-room'),
      label: (b.querySelector('.room-name')?.textContent ?? '').trim(),
      count: (b.querySelector('.count')?.textContent ?? '').trim(),
      joined: b.classList.contains('joined'),
      current: b.getAttribute('aria-current') === 'true',
    })),
  );
}

async function sidebarRoom(page: Page, name: string): Promise<RoomRow | undefined> {
  return (await sidebarRooms(page)).find((room) => room.name === name);
}

/** The ids of the people listed in `#users` (the people in the conversation on screen). */
function usersShown(page: Page): Promise<string[]> {
  return page.locator('#users .user-link').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-user-id') ?? ''));
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`. */
async function tabTo(page: Page, selector: string, backwards = false, max = 400): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s: string) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 120) ?? 'nothing');
  throw new Error(`${max} presses of ${backwards ? 'Shift+Tab' : 'Tab'} never reached ${selector}; focus is on ${at}`);
}

/** The focused element's outline, as drawn. */
function focusOutline(page: Page): Promise<{ style: string; width: string; tag: string }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { style: style.outlineStyle ?? '', width: style.outlineWidth ?? '', tag: `${el.tagName}#${el.id}.${el.className}` };
  });
}

/** `rgb(…)`/`rgba(…)` → [r, g, b] in 0–255. */
function rgb(color: string): [number, number, number] {
  const parts = /rgba?\(([^)]+)\)/.exec(color)?.[1]?.split(/[ ,/]+/).filter(Boolean).map(Number);
  if (!parts || parts.length < 3) throw new Error(`not an rgb() colour: ${color}`);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The colours a person reads: body text on the page background, message text on its bubble, a time on the bubble. */
function colours(page: Page): Promise<{ bodyBg: string; bodyText: string; bubbleBg: string; messageText: string; muted: string }> {
  return page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const bubble = document.querySelector('ol.messages li.message:not(.mine):not(.mention) .bubble');
    const text = bubble?.querySelector('.text');
    const time = bubble?.querySelector('time');
    return {
      bodyBg: body.backgroundColor ?? '',
      bodyText: body.color ?? '',
      bubbleBg: bubble ? (getComputedStyle(bubble).backgroundColor ?? '') : '',
      messageText: text ? (getComputedStyle(text).color ?? '') : '',
      muted: time ? (getComputedStyle(time).color ?? '') : '',
    };
  });
}

describe.skipIf(!hasChromium)('rooms, avatars, links and access in Chromium', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  let carol: SignedIn;
  let carolWs: TestClient;
  const people: Person[] = [];
  /** Every URL Alice's browser asked for. */
  const requested: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
    [aliceUser, bobUser, carol] = await Promise.all([signIn(server.url, 'Alice'), signIn(server.url, 'Bob'), signIn(server.url, 'Carol')]);
    expect(await createRoomAs(server.url, carol.cookie, 'dev')).toBe(201);
    expect(await createRoomAs(server.url, carol.cookie, '随便聊聊')).toBe(201);
    carolWs = await TestClient.ready(server.wsUrl, carol.cookie);
    carolWs.send({ type: 'join', room: 'dev' });
    await carolWs.next((m) => m.type === 'list' && m.room === 'dev');
    [alice, bob] = await Promise.all([launchPerson(), launchPerson()]);
    people.push(alice, bob);
    alice.context.on('request', (request) => requested.push(request.url()));
    await Promise.all([openChat(alice, server.url, aliceUser.cookie), openChat(bob, server.url, bobUser.cookie)]);
  });

  afterAll(async () => {
    await carolWs?.close();
    for (const person of people) await person?.close();
    await server?.close();
  });

  it('lists every room in the sidebar with how many people are in it', async () => {
    const { page } = alice;
    const rooms = await until(
      'the lobby count to include Alice, Bob and Carol',
      () => sidebarRooms(page),
      (all) => all.find((r) => r.name === 'lobby')?.count === '3',
    );
    expect(rooms.map((r) => r.name).sort()).toEqual(['dev', 'lobby', '随便聊聊'].sort());
    expect(rooms.find((r) => r.name === 'dev')).toMatchObject({ label: '# dev', count: '1', joined: false });
    expect(rooms.find((r) => r.name === '随便聊聊')).toMatchObject({ label: '# 随便聊聊', count: '0', joined: false });
    expect(rooms.find((r) => r.name === 'lobby')).toMatchObject({ joined: true, current: true });
    expect(await conversationTitle(page)).toBe('# lobby');
    // The same as the server says.
    const listed = (await (await fetch(`${server.url}/rooms`, { headers: { cookie: aliceUser.cookie } })).json()) as { name: string }[];
    expect(listed.map((r) => r.name).sort()).toEqual(rooms.map((r) => r.name).sort());
  });

  it('creates a room from the page: it opens with the person in it, and appears in the others’ sidebars', async () => {
    const { page } = alice;
    await page.locator('#new-room-name').fill('plans');
    await page.locator('#new-room-name').press('Enter');

    await until('Alice to be in # plans', () => conversationTitle(page), (title) => title === '# plans');
    // The sidebar entry comes with the refreshed room list, a moment later.
    await until('# plans in Alice’s sidebar, joined and current', () => sidebarRoom(page, 'plans'), (room) => room?.joined === true && room.current);
    await until('Alice in the people of # plans', () => usersShown(page), (ids) => ids.includes(aliceUser.user.id));
    await until('# plans to count 1 person', () => sidebarRoom(page, 'plans'), (room) => room?.count === '1');
    expect(await page.locator('#leave').isVisible()).toBe(true);
    expect(await page.locator('#new-room-name').inputValue()).toBe('');
    expect(await page.locator('#new-room-error').isVisible()).toBe(false);
    expect(await page.locator('#input').getAttribute('placeholder')).toContain('plans');

    // Bob did nothing: the `rooms` broadcast puts it in his sidebar, not joined, and he stays where he was.
    const bobsRoom = await until('# plans in Bob’s sidebar', () => sidebarRoom(bob.page, 'plans'), (room) => room !== undefined);
    expect(bobsRoom).toMatchObject({ joined: false, current: false });
    expect(await conversationTitle(bob.page)).toBe('# lobby');
  });

  it('reports a taken or a bad room name in place, and nothing else changes', async () => {
    const { page } = alice;
    const before = await sidebarRooms(page);
    const bobBefore = await sidebarRooms(bob.page);
    const field = page.locator('#new-room-name');
    const error = page.locator('#new-room-error');

    // Taken (names are unique whatever their case: 409).
    await field.fill('Plans');
    await field.press('Enter');
    await error.waitFor({ state: 'visible' });
    const taken = ((await error.textContent()) ?? '').trim();
    expect(taken).not.toBe('');
    expect(await field.getAttribute('aria-invalid')).toBe('true');

    // Bad: a space and punctuation (400); a different message.
    await field.fill('no spaces!');
    await field.press('Enter');
    await until('the bad-name message', async () => ((await error.textContent()) ?? '').trim(), (text) => text !== '' && text !== taken);
    expect(await error.isVisible()).toBe(true);

    await sleep(300);
    expect(await conversationTitle(page)).toBe('# plans');
    expect(await sidebarRooms(page)).toEqual(before);
    expect(await sidebarRooms(bob.page)).toEqual(bobBefore);
    expect(await conversationTitle(bob.page)).toBe('# lobby');
    expect(alice.dialogs).toEqual([]);
  });

  it('adds a room someone else creates to the sidebar without asking the server for the room list', async () => {
    const pages = [alice.page, bob.page];
    const roomListGets: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/rooms') roomListGets.push(request.url());
    };
    for (const page of pages) page.on('request', onRequest);
    try {
      const before = await Promise.all(pages.map((page) => sidebarRooms(page)));
      // Marks the buttons shown now, to see afterwards that they were kept, not rebuilt.
      for (const page of pages) await page.locator('#rooms .room-link').evaluateAll((buttons) => buttons.forEach((b) => (b.keptFromBefore = true)));
      expect(await createRoomAs(server.url, carol.cookie, 'retro')).toBe(201);

      for (const [i, page] of pages.entries()) {
        const after = await until('# retro in the sidebar', () => sidebarRooms(page), (rooms) => rooms.some((room) => room.name === 'retro'));
        expect(after.slice(0, -1)).toEqual(before[i]);
        expect(after.at(-1)).toEqual({ name: 'retro', label: '# retro', count: '0', joined: false, current: false });
        const kept = await page.locator('#rooms .room-link').evaluateAll((buttons) => buttons.map((b) => b.keptFromBefore === true));
        expect(kept).toEqual([...before[i]!.map(() => true), false]);
      }
      await sleep(300); // time for a request the frame might have set off
      expect(roomListGets).toEqual([]);
      expect(await conversationTitle(alice.page)).toBe('# plans');
      expect(await conversationTitle(bob.page)).toBe('# lobby');
    } finally {
      for (const page of pages) page.off('request', onRequest);
    }
  });

  it('joins a room by clicking it, leaves it with the Leave button, and remembers who is in which room', async () => {
    const { page } = bob;
    await page.locator(roomButton('plans')).click();
    await until('Bob in # plans', () => conversationTitle(page), (title) => title === '# plans');
    expect(await sidebarRoom(page, 'plans')).toMatchObject({ joined: true, current: true });
    // Alice, who is in the room, sees him come in.
    await until('Bob in the people of Alice’s # plans', () => usersShown(alice.page), (ids) => ids.includes(bobUser.user.id));
    await until('Alice’s # plans to count 2', () => sidebarRoom(alice.page, 'plans'), (room) => room?.count === '2');

    await say(alice.page, 'Welcome to plans, Bob');
    await waitForMessage(page, 'Welcome to plans, Bob');

    await page.locator('#leave').click();
    await until('Bob back in # lobby', () => conversationTitle(page), (title) => title === '# lobby');
    expect(await sidebarRoom(page, 'plans')).toMatchObject({ joined: false, current: false });
    expect(await page.locator('#leave').isVisible()).toBe(false);
    await until('Bob gone from Alice’s # plans', () => usersShown(alice.page), (ids) => !ids.includes(bobUser.user.id));

    // What is said there now no longer reaches him.
    await say(alice.page, 'Said after Bob left');
    await waitForMessage(alice.page, 'Said after Bob left');
    await sleep(400);
    expect(await page.locator('li.message', { hasText: 'Said after Bob left' }).count()).toBe(0);
    expect(await page.locator(`${roomButton('plans')} .unread`).isVisible()).toBe(false);

    // Kept by the server: after a reload Alice is still in # plans and Bob still is not.
    await reloadChat(alice.page);
    await reloadChat(page);
    expect(await sidebarRoom(alice.page, 'plans')).toMatchObject({ joined: true });
    expect(await sidebarRoom(page, 'plans')).toMatchObject({ joined: false });
    await alice.page.locator(roomButton('plans')).click();
    await waitForMessage(alice.page, 'Said after Bob left');
    expect((await visibleMessages(alice.page)).map((m) => m.text)).toContain('Welcome to plans, Bob');
    await alice.page.locator(roomButton('lobby')).click();
    await until('Alice back in # lobby', () => conversationTitle(alice.page), (title) => title === '# lobby');
  });

  it('keeps each room’s own draft and scroll position when switching between rooms', async () => {
    const { page } = alice;
    const filler = (i: number) => `filler ${i}: ${Array.from({ length: (i % 4) + 1 }, () => 'lorem ipsum').join(' ')}`;
    for (let i = 1; i <= 40; i++) carolWs.send({ type: 'chat', data: filler(i) });
    await waitForMessage(page, filler(40));

    const scroller = page.locator('#scroller');
    const metrics = () => scroller.evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));
    const start = await metrics();
    expect(start.height - start.client).toBeGreaterThan(600); // enough to scroll
    await scroller.evaluate((el) => (el.scrollTop = 300));
    await sleep(100);
    const scrolled = (await metrics()).top;
    expect(Math.abs(scrolled - 300)).toBeLessThanOrEqual(2);

    const lobbyDraft = 'Half a thought for the lobby, 草稿';
    await page.locator('#input').fill(lobbyDraft);

    await page.locator(roomButton('plans')).click();
    await until('# plans on screen', () => conversationTitle(page), (title) => title === '# plans');
    expect(await page.locator('#input').inputValue()).toBe('');
    const plansDraft = 'And another for plans';
    await page.locator('#input').fill(plansDraft);

    await page.locator(roomButton('lobby')).click();
    await until('# lobby on screen', () => conversationTitle(page), (title) => title === '# lobby');
    expect(await page.locator('#input').inputValue()).toBe(lobbyDraft);
    expect(Math.abs((await metrics()).top - scrolled)).toBeLessThanOrEqual(2);

    await page.locator(roomButton('plans')).click();
    await until('# plans on screen', () => conversationTitle(page), (title) => title === '# plans');
    expect(await page.locator('#input').inputValue()).toBe(plansDraft);

    // Drafts are the person's own: nothing was sent.
    const sent = (m: ServerMessage) => m.type === 'chat' && (m.data === lobbyDraft || m.data === plansDraft);
    expect(await carolWs.quietFor(200, sent)).toEqual([]);
    await page.locator('#input').fill('');
    await page.locator(roomButton('lobby')).click();
    await until('# lobby on screen', () => conversationTitle(page), (title) => title === '# lobby');
    await page.locator('#input').fill('');
  });

  it('loads every avatar from /avatars/ on this site, and nothing from any other host', async () => {
    const { page } = alice;
    await say(page, 'An avatar of mine too');
    await waitForMessage(page, 'An avatar of mine too');
    const origin = new URL(server.url).origin;
    const avatars = await page.locator('img.avatar').evaluateAll((imgs) => imgs.map((img) => img.src as string));
    expect(avatars.length).toBeGreaterThanOrEqual(5); // me, people, messages
    for (const src of avatars) {
      const url = new URL(src);
      expect(url.origin).toBe(origin);
      expect(url.pathname).toMatch(/^\/avatars\/[A-Za-z0-9_-]+\.svg$/);
    }
    // The ones on screen have been drawn…
    const drawn = await until(
      'the avatars in view to load',
      () =>
        page.locator('img.avatar:visible').evaluateAll((imgs) =>
          imgs
            .filter((img) => {
              const box = img.getBoundingClientRect();
              return box.bottom > 0 && box.top < innerHeight;
            })
            .map((img) => ({ src: img.src as string, complete: img.complete as boolean, width: img.naturalWidth as number })),
        ),
      (list) => list.length > 0 && list.every((img) => img.complete && img.width > 0),
    );
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    // …and every one of them is a picture that loads (the lazy ones off screen included).
    const widths = await page.evaluate(async (sources: string[]) => {
      const out: number[] = [];
      for (const src of [...new Set(sources)]) {
        const probe = new Image();
        probe.src = src;
        await probe.decode().catch(() => undefined);
        out.push(probe.naturalWidth);
      }
      return out;
    }, avatars);
    expect(widths.every((w) => w > 0)).toBe(true);
    const foreign = requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('about:'));
    expect(foreign).toEqual([]);
  });

  it('makes http(s) links clickable and safe, and leaves javascript: and HTML as plain text', async () => {
    const { page } = alice;
    const link = 'see https://example.com/x';
    const js = 'javascript:alert(1)';
    const html = '<a href="javascript:alert(2)" onclick="alert(3)">click me</a>';
    for (const data of [link, js, html]) carolWs.send({ type: 'chat', data });

    const check = async (when: string) => {
      await waitForMessage(page, html);
      const anchor = page.locator('ol.messages:not([hidden]) li.message .text a[href="https://example.com/x"]');
      expect(await anchor.count(), when).toBe(1);
      const rel = ((await anchor.getAttribute('rel')) ?? '').split(/\s+/);
      expect(rel).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
      expect(await anchor.getAttribute('target')).toBe('_blank');
      expect(await anchor.textContent()).toBe('https://example.com/x');
      for (const text of [js, html]) {
        const row = page.locator('ol.messages:not([hidden]) li.message .text').filter({ hasText: text }).last();
        expect(await row.textContent(), when).toBe(text);
        expect(await row.locator('a, [onclick]').count(), when).toBe(0);
        await row.click();
      }
      await sleep(200);
      expect(alice.dialogs, when).toEqual([]);
    };
    await check('live');
    await reloadChat(page); // now rendered by the server, then linkified in the page
    await check('after a reload');
  });

  it('is an ARIA live region, works from the keyboard, and shows where the focus is', async () => {
    const { page } = alice;
    expect(await page.locator('#scroller ol.messages:not([hidden])').getAttribute('aria-live')).toMatch(/^(polite|assertive)$/);

    // From the top of a freshly loaded page: Tab to the message box, type, Enter.
    await reloadChat(page);
    await tabTo(page, '#input');
    const inputOutline = await focusOutline(page);
    expect(inputOutline.style, inputOutline.tag).not.toBe('none');
    expect(inputOutline.width).not.toBe('0px');
    await page.keyboard.type('Typed from the keyboard alone');
    await page.keyboard.press('Enter');
    await waitForMessage(page, 'Typed from the keyboard alone');

    // Back to a room in the sidebar, Enter switches (and joins # dev).
    await tabTo(page, '#rooms .room-link[data-room="dev"]', true);
    const roomOutline = await focusOutline(page);
    expect(roomOutline.style, roomOutline.tag).not.toBe('none');
    expect(roomOutline.width).not.toBe('0px');
    await page.keyboard.press('Enter');
    await until('# dev on screen', () => conversationTitle(page), (title) => title === '# dev');
    expect(await sidebarRoom(page, 'dev')).toMatchObject({ joined: true, current: true });
    // The room's own list, made in the page, is a live region too.
    expect(await page.locator('#scroller ol.messages:not([hidden])').getAttribute('aria-live')).toMatch(/^(polite|assertive)$/);
    await page.locator(roomButton('lobby')).focus();
    await page.keyboard.press('Enter');
    await until('# lobby on screen', () => conversationTitle(page), (title) => title === '# lobby');
  });

  it('fits a 360 px phone without sideways scrolling, with the sidebar behind the menu button', async () => {
    const dan = await launchPerson({ viewport: { width: 360, height: 740 } });
    people.push(dan);
    const signed = await signIn(server.url, 'Dan with a rather long name here');
    await openChat(dan, server.url, signed.cookie);
    const { page } = dan;
    // A long word and a long link must wrap, not push the page wider.
    carolWs.send({ type: 'chat', data: `${'长'.repeat(60)} ${'x'.repeat(120)} https://example.com/${'y'.repeat(150)}` });
    await until('the long message on the phone', () => visibleMessages(page), (rows) => rows.some((r) => r.text.includes('x'.repeat(120))));
    const width = () => page.evaluate(() => document.documentElement.scrollWidth as number);
    expect(await width()).toBeLessThanOrEqual(360);

    expect(await page.locator('#menu').isVisible()).toBe(true);
    expect(await page.locator('#rooms').isVisible()).toBe(false);
    await page.locator('#menu').click();
    expect(await page.locator('body').getAttribute('class')).toContain('sidebar-open');
    await page.locator(roomButton('随便聊聊')).waitFor({ state: 'visible' });
    expect(await width()).toBeLessThanOrEqual(360);
    const box = await page.locator('#sidebar').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 361).toBe(true);

    // Picking a room closes the menu and shows the room.
    await page.locator(roomButton('随便聊聊')).click();
    await until('# 随便聊聊 on the phone', () => conversationTitle(page), (title) => title === '# 随便聊聊');
    expect(await page.locator('#rooms').isVisible()).toBe(false);
    expect(await page.locator('#input').isVisible()).toBe(true);
    expect(await width()).toBeLessThanOrEqual(360);
    expect([...dan.dialogs, ...dan.pageErrors]).toEqual([]);
  });

  it('follows the system’s dark mode, with readable text in both schemes', async () => {
    const { page } = alice;
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours(page);
    expect(luminance(dark.bodyBg), `dark background ${dark.bodyBg}`).toBeLessThan(0.1);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await colours(page);
    expect(luminance(light.bodyBg), `light background ${light.bodyBg}`).toBeGreaterThan(0.7);
    for (const [scheme, c] of [['dark', dark], ['light', light]] as const) {
      // WCAG AA for body text: 4.5:1.
      expect(contrast(c.bodyText, c.bodyBg), `${scheme}: body text ${c.bodyText} on ${c.bodyBg}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(c.messageText, c.bubbleBg), `${scheme}: message ${c.messageText} on ${c.bubbleBg}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(c.muted, c.bubbleBg), `${scheme}: time ${c.muted} on ${c.bubbleBg}`).toBeGreaterThanOrEqual(4.5);
    }
    expect([...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
  });
});
