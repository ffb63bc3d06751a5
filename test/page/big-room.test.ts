// The chat page in a big room, in Chromium: past BIG_ROOM people the lobby is shown by number,
// with a search to find someone, no "joined" line per arrival, `@name message` still private,
// and the full list back once the room is small again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_ROOM } from '../../src/shared/protocol/index.js';
import { chromiumAvailable, conversationTitle, launchPerson, openChat, roomButton, say, until, type Person } from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { signIn, startTestServer, type TestServer } from '../helpers/server.js';

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('a big room on the page', () => {
  let server: TestServer;
  let viewer: Person;
  let zed: TestClient;
  const crowd: TestClient[] = [];

  const onlineCount = async () => Number(await viewer.page.locator('#online-count').textContent());
  const listed = () => viewer.page.locator('#users .user-name').allTextContents();

  beforeAll(async () => {
    server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
    const zedUser = await signIn(server.url, 'Zed Target');
    const others = await Promise.all(Array.from({ length: BIG_ROOM }, (_, i) => signIn(server.url, `crowd ${i}`)));
    zed = await TestClient.ready(server.wsUrl, zedUser.cookie);
    for (const who of others) crowd.push(await TestClient.ready(server.wsUrl, who.cookie));
    viewer = await launchPerson();
    const me = await signIn(server.url, 'Viewer');
    await openChat(viewer, server.url, me.cookie);
  }, 120_000);

  afterAll(async () => {
    await viewer?.close();
    await Promise.all([zed, ...crowd].map((client) => client?.close()));
    await server?.close();
  });

  it('shows how many are here and a search instead of everyone, and no line per arrival', async () => {
    expect(await onlineCount()).toBe(BIG_ROOM + 2);
    expect(await listed()).toEqual([]);
    expect(await viewer.page.locator('#people-search').isVisible()).toBe(true);
    expect(await viewer.page.locator('#people-hint').textContent()).toMatch(/too many people to list/i);
    expect(await viewer.page.locator(`${roomButton('lobby')} .count`).textContent()).toBe(String(BIG_ROOM + 2));

    const late = await signIn(server.url, 'Latecomer');
    crowd.push(await TestClient.ready(server.wsUrl, late.cookie));
    await until('the new number', onlineCount, (n) => n === BIG_ROOM + 3);
    expect(await viewer.page.locator('#messages .notice').count()).toBe(0);
  });

  it('finds someone by name and opens a conversation with them', async () => {
    await viewer.page.locator('#people-input').fill('zed');
    await until('Zed in the results', listed, (names) => names.includes('Zed Target'));
    expect(await listed()).toEqual(['Zed Target']);
    await viewer.page.locator('#users .user-link').click();
    await until('the DM with Zed', () => conversationTitle(viewer.page), (t) => t === '@ Zed Target');

    await viewer.page.locator(roomButton('lobby')).click();
    await until('back in the lobby', () => conversationTitle(viewer.page), (t) => t === '# lobby');
    await viewer.page.locator('#people-input').fill('nobody at all');
    const hint = viewer.page.locator('#people-hint');
    await until('nobody found', async () => ((await hint.isVisible()) ? await hint.textContent() : ''), (text) => /nobody here/i.test(text ?? ''));
    expect(await listed()).toEqual([]);
  });

  it('still sends `@name message` privately to someone the page has not met', async () => {
    const crowdMember = crowd[0]!;
    // A name the page has never been sent: only the server knows who "crowd 7" is.
    await say(viewer.page, '@crowd 7 just between us');
    const dm = await crowd[7]!.next((m) => m.type === 'dm');
    expect(dm.type === 'dm' && dm.data).toBe('just between us');
    await until('"sent privately" on the page', () => viewer.page.locator('#flash').textContent(), (text) => /sent privately to crowd 7/i.test(text ?? ''));
    expect(await viewer.page.locator(`#dms .dm-link[data-user-id="${dm.type === 'dm' ? dm.to.id : ''}"]`).count()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(crowdMember.received.some((m) => m.type === 'chat' && m.data.includes('just between us'))).toBe(false);
  });

  it('lists everyone again once the room is small', async () => {
    await viewer.page.locator(roomButton('lobby')).click();
    await until('back in the lobby', () => conversationTitle(viewer.page), (t) => t === '# lobby');
    const leaving = crowd.splice(crowd.length - 10, 10);
    await Promise.all(leaving.map((client) => client.close()));
    await until('the full list', async () => (await listed()).length, (n) => n > 0 && n === BIG_ROOM + 3 - 10, 15_000);
    expect(await onlineCount()).toBe(BIG_ROOM - 7);
    expect(await viewer.page.locator('#people-search').isVisible()).toBe(false);
    expect(await listed()).toContain('Zed Target');
  });
});
