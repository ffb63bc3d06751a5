// The chat page in Chromium, for everyone: avatars only from this site, links that are safe and
// markup that stays text, an ARIA live region, the keyboard and a visible focus, a 360 px phone, and
// dark mode with readable contrast. Rooms in the sidebar are in rooms.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { settlePage, type Person } from '../helpers/browser.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  conversationTitle,
  describeInChromium,
  directoryRoom,
  openRoom,
  reloadChat,
  roomButton,
  say,
  sidebarRoom,
  usePeople,
  visibleMessages,
  waitForMessage,
} from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/** In-page globals, only used inside callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: (element: unknown) => Record<string, string>;
declare const innerHeight: number;
declare const Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> };

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

describeInChromium('avatars, links and access in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let alice: Person;
  let bob: Person;
  let carolWs: TestClient;

  beforeAll(async () => {
    ({ alice, bob, carolWs } = await people.aliceBobCarol({ rooms: ['dev', '随便聊聊'], carolIn: ['dev'] }));
  });

  it('loads every avatar from /avatars/ on this site, and nothing from any other host', async () => {
    const { page } = alice;
    await say(page, 'An avatar of mine too');
    await waitForMessage(page, 'An avatar of mine too');
    const origin = new URL(chat.server.url).origin;
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
    const foreign = alice.requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('about:'));
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
      // A click's handler, or a javascript: link it followed, would have run (and opened its dialog)
      // before a later round trip through the page comes back.
      await settlePage(page);
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

    // Back to the sidebar's room finder: type, Tab to the room it finds, and Enter joins # dev.
    await tabTo(page, '#room-finder-input', true);
    expect((await focusOutline(page)).style).not.toBe('none');
    await page.keyboard.type('dev');
    await page.locator(directoryRoom('dev')).waitFor({ state: 'visible' });
    await tabTo(page, directoryRoom('dev'));
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
    const dan = await people.openAs(await chat.signIn('Dan with a rather long name here'), { viewport: { width: 360, height: 740 } });
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
    // A room of someone else's, found by name: the directory fits too.
    await page.locator('#room-finder-input').fill('随便');
    await page.locator(directoryRoom('随便聊聊')).waitFor({ state: 'visible' });
    expect(await width()).toBeLessThanOrEqual(360);
    const box = await page.locator('#sidebar').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 361).toBe(true);

    // Picking a room closes the menu and shows the room.
    await openRoom(page, '随便聊聊');
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
