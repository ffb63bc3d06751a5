// A permalink into a room the visitor is not in (`/#room=<name>&message=<id>`) shows the room and
// offers to join it, and never joins by itself: a link anyone can send must not change someone's
// rooms. Joining from the offer opens the room at the message. Membership is checked on the server
// (the chat page's list of my rooms, GET /rooms) and by a member who would hear the join.
import { beforeAll, expect, it } from 'vitest';
import { settlePage, type Person } from '../helpers/browser.js';
import { flushPresence, roomName, say } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, openChat, usePeople, visibleMessages } from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

describeInChromium('a permalink into a room I am not in', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  const room = roomName('offer');
  let bobUser: SignedIn;
  let carolWs: TestClient;
  let target: number;
  let bob: Person;

  /** The rooms the server keeps for Bob, as his chat page is rendered with them. */
  async function bobsRooms(): Promise<string[]> {
    const html = await (await fetch(`${chat.server.url}/`, { headers: { cookie: bobUser.cookie } })).text();
    const raw = /data-my-rooms="([^"]*)"/.exec(html)?.[1] ?? '[]';
    return JSON.parse(raw.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as string[];
  }

  /** Who is in the room now, as GET /rooms says. */
  async function inRoomNow(): Promise<string[]> {
    const rooms = (await (await fetch(`${chat.server.url}/rooms`, { headers: { cookie: bobUser.cookie } })).json()) as { name: string; users: { id: string }[] }[];
    return rooms.find((r) => r.name === room)?.users.map((u) => u.id) ?? [];
  }

  const joinedByBob = (m: { type: string; room?: string; user?: { id: string } }) => m.type === 'join' && m.room === room && m.user?.id === bobUser.user.id;

  beforeAll(async () => {
    const carol = await chat.signIn('Carol');
    bobUser = await chat.signIn('Bob');
    await chat.createRoom(carol, room);
    carolWs = await people.client(carol, [room]);
    target = (await say(carolWs, 'the message the link points at', room)).id;
    for (let i = 0; i < 5; i++) await say(carolWs, `later ${i}`, room);
    bob = await people.launch();
    await openChat(bob, chat.server.url, bobUser.cookie, `/#room=${room}&message=${target}`);
  });

  it('shows the room’s name and a Join button, and does not make me a member', async () => {
    const { page } = bob;
    const offer = page.locator('#room-offer');
    await offer.waitFor({ state: 'visible' });
    expect(await offer.textContent()).toContain(`# ${room}`);
    expect(((await page.locator('#room-offer-join').textContent()) ?? '').trim()).toBe(`Join # ${room}`);
    // The lobby stays on screen, and nothing of the room is shown.
    expect(await conversationTitle(page)).toBe('# lobby');
    expect((await visibleMessages(page)).map((m) => m.text)).not.toContain('the message the link points at');
    // Whatever the page sent has reached the server by the pong; a join would reach Carol before her echo.
    await settlePage(page);
    await flushPresence(carolWs, room);
    expect(carolWs.pending(joinedByBob)).toEqual([]);
    expect(await bobsRooms()).not.toContain(room);
    expect(await inRoomNow()).not.toContain(bobUser.user.id);
  });

  it('joins from the offer: the room opens at the message, and I am a member', async () => {
    const { page } = bob;
    await page.locator('#room-offer-join').click();
    await until(`# ${room} on screen`, () => conversationTitle(page), (title) => title === `# ${room}`);
    const row = await until(
      'the linked message highlighted',
      async () => (await visibleMessages(page)).find((m) => Number(m.id) === target),
      (found) => found?.highlight === true,
    );
    expect(row?.text).toBe('the message the link points at');
    expect(await page.locator('#room-offer').count()).toBe(0);
    await carolWs.next(joinedByBob);
    expect(await bobsRooms()).toContain(room);
  });
});
