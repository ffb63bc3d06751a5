// The chat page in Chromium, between people: who is typing, direct messages (from the people list,
// with `@name` typed in a room, with two people of one name) seen by both and nobody else, and DMs
// kept across a server restart. Unread counts, mentions and notifications are in unread.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { ChatMessage, DirectMessage } from '../../src/shared/protocol/index.js';
import type { Person } from '../helpers/browser.js';
import { dmWith } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import {
  badge,
  describeInChromium,
  dmButton,
  inLobby,
  openConversation,
  openRoom,
  say,
  texts,
  usePeople,
  userButton,
  usersShown,
  waitForMessage,
} from '../helpers/page.js';
import type { SignedIn } from '../helpers/server.js';
import { sleep, until } from '../helpers/wait.js';
import { readmeScreenshot } from '../helpers/screenshots.js';

const typingLine = async (page: Page) => ((await page.locator('#typing').textContent()) ?? '').trim();

describeInChromium('people talking to each other in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let alice: Person;
  let bob: Person;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  /** The third person: in the lobby the whole time, and sees no DM of the others. */
  let carolWs: TestClient;

  beforeAll(async () => {
    ({ alice, bob, aliceUser, bobUser, carolWs } = await people.aliceBobCarol());
  });

  it('shows who is typing to the others, not to themselves, and hides it after a few seconds of silence', async () => {
    // Bob is looking at the lobby, where Alice types a little and stops.
    await alice.page.locator('#input').click();
    await alice.page.keyboard.type('Wait, one more th', { delay: 20 });
    const shown = await until('"Alice is typing…" on Bob’s page', () => typingLine(bob.page), (line) => line !== '', 2500);
    const stoppedAt = Date.now();
    expect(shown).toMatch(/Alice/);
    expect(shown).toMatch(/typing/i);
    expect(await typingLine(alice.page)).toBe('');
    await sleep(2500); // the page's own timer: the line stays while the silence is short
    expect(await typingLine(bob.page), 'still shown 2.5 s after the last key').toMatch(/Alice/);
    await until('the typing line to clear after the silence', () => typingLine(bob.page), (line) => line === '', 6000);
    const after = Date.now() - stoppedAt;
    expect(after).toBeGreaterThanOrEqual(3000);
    expect(after).toBeLessThan(8000);
    expect(await typingLine(alice.page)).toBe('');
  }, 20_000);

  it('hides "is typing" when the message arrives, and shows it again when the next one is begun', async () => {
    // Well over the 2 s between two typing signals since the last test.
    await alice.page.locator('#input').fill('');
    await alice.page.locator('#input').click();
    await alice.page.keyboard.type('Hello the', { delay: 30 });
    await until('"Alice is typing…" on Bob’s page', () => typingLine(bob.page), (line) => /Alice/.test(line), 2500);
    await alice.page.keyboard.type('re', { delay: 30 });
    await alice.page.keyboard.press('Enter');
    await waitForMessage(bob.page, 'Hello there');
    expect(await typingLine(bob.page)).toBe('');

    // Straight on with the next message (a second or so later): Bob sees it again.
    await alice.page.keyboard.type('And one more thing', { delay: 30 });
    try {
      await until('Alice typing again on Bob’s page', () => typingLine(bob.page), (line) => /Alice/.test(line), 2500);
    } finally {
      await alice.page.locator('#input').fill('');
    }
  });

  it('opens a direct conversation from the people list; both see it and nobody else does', async () => {
    await inLobby(alice, bob);
    await openConversation(alice.page, userButton(bobUser.user.id), '@ Bob');
    await say(alice.page, 'Hi Bob, 私聊一下');
    const mine = await waitForMessage(alice.page, 'Hi Bob, 私聊一下');
    expect(mine.mine).toBe(true);

    // Bob gets a conversation in # dms with a count, and opens it.
    await until('Alice in Bob’s direct messages with 1 unread', () => badge(bob.page, dmButton(aliceUser.user.id)), (b) => b.shown && b.count === 1);
    expect(await texts(bob.page)).not.toContain('Hi Bob, 私聊一下'); // not in the lobby
    // The message is already in his page (it came live); opening the conversation must still show it.
    await openConversation(bob.page, dmButton(aliceUser.user.id), '@ Alice');
    await until('the message in the conversation Bob opened', () => texts(bob.page), (shown) => shown.includes('Hi Bob, 私聊一下'));
    await say(bob.page, 'Hi Alice, got it');
    await waitForMessage(alice.page, 'Hi Alice, got it');
    expect(await badge(bob.page, dmButton(aliceUser.user.id))).toMatchObject({ shown: false });

    // Carol, in the same lobby the whole time, got none of it: both DMs are delivered, so a copy
    // for her would have come before the answer to her ping.
    await carolWs.settle();
    expect(carolWs.pending((m) => m.type === 'dm')).toEqual([]);
    expect(carolWs.received.some((m) => 'data' in m && typeof m.data === 'string' && /Hi (Bob|Alice)/.test(m.data))).toBe(false);
  });

  it('sends `/msg name message` typed in a room privately, saying so before it goes; `@name message` goes to the room', async () => {
    await openRoom(alice.page, 'lobby');
    const whisper = '/msg Bob 在大厅里悄悄说';
    await alice.page.locator('#input').fill(whisper);
    // Before it is sent, the chip says where it will go.
    const chip = alice.page.locator('#private-chip');
    await chip.waitFor({ state: 'visible' });
    expect(await chip.textContent()).toContain('Bob');
    await readmeScreenshot(alice.page, 'private-chip-en');
    await alice.page.locator('#input').press('Enter');
    expect(await chip.isVisible()).toBe(false);
    // It goes to the DM conversation of both (Bob is looking at his), never to the room.
    await waitForMessage(bob.page, '在大厅里悄悄说');
    expect(await texts(alice.page)).not.toContain('在大厅里悄悄说');
    await openConversation(alice.page, dmButton(bobUser.user.id), '@ Bob');
    await waitForMessage(alice.page, '在大厅里悄悄说');
    await openRoom(bob.page, 'lobby');
    expect(await texts(bob.page)).not.toContain('在大厅里悄悄说');
    // Bob has it, so the server is done with it: a copy to the lobby would have reached Carol before her pong.
    await carolWs.settle();
    expect(carolWs.pending((m) => (m.type === 'chat' || m.type === 'dm') && m.data.includes('悄悄'))).toEqual([]);

    // `@Bob …` is a message to the room that mentions him: no chip, everyone has it, Bob's is highlighted.
    await openRoom(alice.page, 'lobby');
    await alice.page.locator('#input').fill('@Bob 大家好');
    expect(await chip.isVisible()).toBe(false);
    await alice.page.locator('#input').press('Enter');
    const toRoom = await carolWs.next<ChatMessage>((m) => m.type === 'chat' && m.data === '@Bob 大家好');
    expect(toRoom.mentions).toEqual([bobUser.user.id]);
    await waitForMessage(bob.page, '@Bob 大家好');
    expect(await bob.page.locator('#messages li.mention .text', { hasText: '@Bob 大家好' }).count()).toBe(1);
  });

  it('asks which one is meant when two people have had the name, and only the chosen one gets it', async () => {
    // The first Dup says something and signs out: the name is free again (docs/protocol.md,
    // "Names"), and a new person takes it. Alice's page has seen both.
    const dup1 = await chat.signIn('Dup');
    const ws1 = await chat.connect(dup1);
    ws1.send({ type: 'chat', room: 'lobby', data: 'the first Dup was here' });
    await waitForMessage(alice.page, 'the first Dup was here');
    await fetch(`${chat.server.url}/signout`, { method: 'POST', headers: { cookie: dup1.cookie }, redirect: 'manual' });
    expect((await ws1.closed).code).toBe(4001);
    const dup2 = await chat.signIn('Dup');
    expect(dup2.user.id).not.toBe(dup1.user.id);
    const ws2 = await chat.connect(dup2);
    await until('the new Dup in Alice’s people list', () => usersShown(alice.page), (ids) => ids.includes(dup2.user.id));
    await say(alice.page, '/msg Dup which one of you?');
    const chooser = alice.page.locator('#chooser');
    await chooser.waitFor({ state: 'visible' });
    // Closing the question sends nothing and keeps the text in the box.
    await alice.page.keyboard.press('Escape');
    expect(await chooser.isVisible()).toBe(false);
    expect(await alice.page.locator('#input').inputValue()).toBe('/msg Dup which one of you?');
    await alice.page.locator('#input').press('Enter');
    await chooser.waitFor({ state: 'visible' });
    expect(await chooser.locator('button').count()).toBe(2);
    // Each choice shows the person's own avatar, so they can be told apart.
    const second = chooser.locator(`button:has(img[src*="${dup2.user.id}"])`);
    expect(await second.count()).toBe(1);
    await second.click();
    expect(await chooser.isVisible()).toBe(false);

    const got = await ws2.next<DirectMessage>(dmWith('which one of you?'));
    expect(got.user.id).toBe(aliceUser.user.id);
    expect(got.to.id).toBe(dup2.user.id);
    expect(await texts(alice.page)).not.toContain('which one of you?');
    await until('the chosen Dup in Alice’s # dms', () => alice.page.locator(dmButton(dup2.user.id)).count(), (n) => n === 1);
    expect(await alice.page.locator(dmButton(dup1.user.id)).count()).toBe(0);
  });

  it('keeps direct messages across a server restart', async () => {
    await inLobby(alice, bob);
    await openConversation(alice.page, userButton(bobUser.user.id), '@ Bob');
    const before = 'Said before the restart, 重启之前';
    await say(alice.page, before);
    await waitForMessage(alice.page, before);

    // The same data folder on a new port: both people load the chat from there.
    await chat.restart();
    for (const { page } of [alice, bob]) {
      await page.goto(`${chat.server.url}/`);
      await page.waitForSelector('#status[data-state="online"]');
    }

    // Both still have the conversation in # dms, with what was said in it.
    await until('Bob in Alice’s # dms after the restart', () => alice.page.locator(dmButton(bobUser.user.id)).count(), (n) => n === 1);
    await openConversation(alice.page, dmButton(bobUser.user.id), '@ Bob');
    await waitForMessage(alice.page, before);
    expect(await texts(alice.page)).toEqual(expect.arrayContaining(['Hi Bob, 私聊一下', '在大厅里悄悄说', before]));
    await until('Alice in Bob’s # dms after the restart', () => bob.page.locator(dmButton(aliceUser.user.id)).count(), (n) => n === 1);
    await openConversation(bob.page, dmButton(aliceUser.user.id), '@ Alice');
    await waitForMessage(bob.page, before);
    expect(await texts(bob.page)).toEqual(expect.arrayContaining(['Hi Bob, 私聊一下', '在大厅里悄悄说', before]));
    expect([...alice.dialogs, ...bob.dialogs, ...alice.pageErrors, ...bob.pageErrors]).toEqual([]);
  });
});
