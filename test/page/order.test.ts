// Everyone sees one order, the server's (issue 17, item 4): each arriving message takes its id's
// place in the list, and my unsent messages (no id yet) stay at the bottom until acknowledged.
// The cases are forced with Playwright's WebSocket routing between the page and the real server:
// my message held on its way out while someone else's arrives, and a resumed older message
// delivered after a newer live one. Skipped without /usr/bin/chromium.
import type { Page, WebSocketRoute } from 'playwright-core';
import { expect, it } from 'vitest';
import { personName, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, openChat, usePeople, visibleMessages, waitForMessage } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/**
 * Routes the page's sockets through the test: every frame passes, except that `holdOut` frames from
 * the page and `holdIn` frames from the server wait until `release()`.
 */
async function routeSockets(
  page: Page,
  { holdOut = () => false, holdIn = () => false }: { holdOut?: (frame: string) => boolean; holdIn?: (frame: string) => boolean },
): Promise<{ release(): void; heldIn(): number }> {
  const held: (() => void)[] = [];
  let inHeld = 0;
  await page.routeWebSocket(/\/ws\/chat/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      if (typeof frame === 'string' && holdOut(frame)) held.push(() => server.send(frame));
      else server.send(frame);
    });
    server.onMessage((frame) => {
      if (typeof frame === 'string' && holdIn(frame)) {
        inHeld++;
        held.push(() => ws.send(frame));
      } else ws.send(frame);
    });
  });
  return {
    release: () => held.splice(0).forEach((send) => send()),
    heldIn: () => inHeld,
  };
}

/** Whether a frame is a `chat` (either way) with this text. */
const chatFrame = (text: string) => (frame: string) => {
  const message = JSON.parse(frame) as { type?: string; data?: unknown };
  return message.type === 'chat' && message.data === text;
};

describeInChromium('message order in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  it("keeps my unsent message below one that arrives meanwhile, and puts it at its id's place once acknowledged", async () => {
    const [me, bob] = [await chat.signIn(personName('Order')), await chat.signIn(personName('Bob'))];
    const bobWs = await people.client(bob);
    const person = await people.launch();
    const mine = unique('mine, held on the way');
    const routes = await routeSockets(person.page, { holdOut: chatFrame(mine) });
    await openChat(person, chat.server.url, me.cookie);
    const { page } = person;

    await page.locator('#input').fill(mine);
    await page.locator('#input').press('Enter');
    const his = unique("Bob's, first to the server");
    bobWs.send({ type: 'chat', data: his });
    await waitForMessage(page, his);
    // Mine is still on its way: Bob's is above it.
    const before = (await visibleMessages(page)).slice(-2);
    expect(before.map((row) => [row.text, row.pending])).toEqual([[his, false], [mine, true]]);

    routes.release();
    await waitForMessage(page, mine);
    const rows = (await visibleMessages(page)).slice(-2);
    expect(rows.map((row) => row.text)).toEqual([his, mine]);
    // What Bob sees: the same order, by id.
    expect(Number(rows[0]!.id)).toBeLessThan(Number(rows[1]!.id));
    expect(person.pageErrors).toEqual([]);
  });

  it('puts a resumed older message above a newer one that arrived first', async () => {
    const [me, bob, carol] = [await chat.signIn(personName('Order')), await chat.signIn(personName('Bob')), await chat.signIn(personName('Carol'))];
    const [bobWs, carolWs] = [await people.client(bob), await people.client(carol)];
    const person = await people.launch();
    const older = unique('older, from Bob');
    const newer = unique('newer, from Carol');
    const routes = await routeSockets(person.page, { holdIn: chatFrame(older) });
    await openChat(person, chat.server.url, me.cookie);
    const { page } = person;

    bobWs.send({ type: 'chat', data: older });
    await bobWs.next((m) => m.type === 'chat' && m.data === older);
    carolWs.send({ type: 'chat', data: newer });
    await waitForMessage(page, newer);
    await until('the older message held', async () => routes.heldIn(), (n) => n === 1);
    routes.release();
    await waitForMessage(page, older);

    const rows = (await visibleMessages(page)).slice(-2);
    expect(rows.map((row) => row.text)).toEqual([older, newer]);
    expect(Number(rows[0]!.id)).toBeLessThan(Number(rows[1]!.id));
    expect(person.pageErrors).toEqual([]);
  });
});
