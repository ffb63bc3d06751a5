// The chat page in a big room, in Chromium: past BIG_ROOM people the lobby is shown by number,
// with a search to find someone, no "joined" line per arrival, `/msg name message` still private,
// and the full list back once the room is small again.
import { beforeAll, expect, it } from 'vitest';
import { BIG_ROOM } from '../../src/shared/protocol/index.js';
import type { Person } from '../helpers/browser.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, inLobby, openConversation, openRoom, roomButton, say, usePeople } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

describeInChromium('a big room on the page', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let viewer: Person;
  const crowd: TestClient[] = [];

  const onlineCount = async () => Number(await viewer.page.locator('#online-count').textContent());
  const listed = () => viewer.page.locator('#users .user-name').allTextContents();

  beforeAll(async () => {
    const zedUser = await chat.signIn('Zed Target');
    const others = await Promise.all(Array.from({ length: BIG_ROOM }, (_, i) => chat.signIn(`crowd ${i}`)));
    await people.client(zedUser);
    for (const who of others) crowd.push(await people.client(who));
    viewer = await people.openAs(await chat.signIn('Viewer'));
  }, 120_000);

  it('shows how many are here and a search instead of everyone, and no line per arrival', async () => {
    expect(await onlineCount()).toBe(BIG_ROOM + 2);
    expect(await listed()).toEqual([]);
    expect(await viewer.page.locator('#people-search').isVisible()).toBe(true);
    expect(await viewer.page.locator('#people-hint').textContent()).toMatch(/too many people to list/i);
    expect(await viewer.page.locator(`${roomButton('lobby')} .count`).textContent()).toBe(String(BIG_ROOM + 2));

    crowd.push(await people.client(await chat.signIn('Latecomer')));
    await until('the new number', onlineCount, (n) => n === BIG_ROOM + 3);
    expect(await viewer.page.locator('#messages .notice').count()).toBe(0);
  });

  it('finds someone by name and opens a conversation with them', async () => {
    await viewer.page.locator('#people-input').fill('zed');
    await until('Zed in the results', listed, (names) => names.includes('Zed Target'));
    expect(await listed()).toEqual(['Zed Target']);
    await openConversation(viewer.page, '#users .user-link', '@ Zed Target');
    // Beside the DM, whether Zed is online: asked of the lobby by name, as it lists nobody.
    await until('Zed online beside the DM', () => viewer.page.locator('#users .presence').textContent(), (text) => text === 'Online');
    expect(await listed()).toEqual(['Zed Target']);

    await openRoom(viewer.page, 'lobby');
    await viewer.page.locator('#people-input').fill('nobody at all');
    const hint = viewer.page.locator('#people-hint');
    await until('nobody found', async () => ((await hint.isVisible()) ? await hint.textContent() : ''), (text) => /nobody here/i.test(text ?? ''));
    expect(await listed()).toEqual([]);
  });

  it('still sends `/msg name message` privately to someone the page has not met', async () => {
    const crowdMember = crowd[0]!;
    // A name the page has never been sent: only the server knows who "crowd 7" is.
    await say(viewer.page, '/msg crowd 7 just between us');
    const dm = await crowd[7]!.next((m) => m.type === 'dm');
    expect(dm.type === 'dm' && dm.data).toBe('just between us');
    await until('"sent privately" on the page', () => viewer.page.locator('#flash').textContent(), (text) => /sent privately to crowd 7/i.test(text ?? ''));
    expect(await viewer.page.locator(`#dms .dm-link[data-user-id="${dm.type === 'dm' ? dm.to.id : ''}"]`).count()).toBe(1);
    // crowd 7 has it, so the server is done with it: a copy to the lobby would have reached
    // another member before the answer to their ping.
    await crowdMember.settle();
    expect(crowdMember.pending((m) => m.type === 'chat' && m.data.includes('just between us'))).toEqual([]);
  });

  it('lists everyone again once the room is small', async () => {
    await inLobby(viewer);
    const leaving = crowd.splice(crowd.length - 10, 10);
    await Promise.all(leaving.map((client) => client.close()));
    await until('the full list', async () => (await listed()).length, (n) => n > 0 && n === BIG_ROOM + 3 - 10, 15_000);
    expect(await onlineCount()).toBe(BIG_ROOM - 7);
    expect(await viewer.page.locator('#people-search').isVisible()).toBe(false);
    expect(await listed()).toContain('Zed Target');
  });
});
