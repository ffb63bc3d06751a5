// A message's formatting on the page (src/shared/protocol/markup.ts, drawn by src/client/dom.ts):
// code, code blocks, bold, italic, quotes and links as elements, the same live and on the
// server-rendered page after a reload; HTML typed in a message stays text.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { Person } from '../helpers/browser.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, reloadChat, usePeople } from '../helpers/page.js';

describeInChromium('formatting in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let bob: Person;
  let carolWs: TestClient;

  beforeAll(async () => {
    ({ bob, carolWs } = await people.aliceBobCarol());
  });

  /** What the message's text holds, as tags and their text, in order. */
  const shape = (page: Page, marker: string) =>
    page.locator('#messages li .text', { hasText: marker }).evaluate((text) =>
      [...text.querySelectorAll('code, pre, strong, em, blockquote, a, script, b')].map((node) => `${node.tagName.toLowerCase()}:${node.textContent}`),
    );

  it('draws code, a code block, bold, italic, a quote and a link, live and after a reload; HTML stays text', async () => {
    const marker = `fmt${Date.now()}`;
    const message = `> quoted ${marker}\nrun \`npm test\` **now** _please_ https://example.com/x\n\`\`\`\nif (a < b) { <b>not bold</b> }\n\`\`\`\n<script>alert(1)</script>`;
    carolWs.send({ type: 'chat', data: message });
    await bob.page.locator('#messages li .text', { hasText: marker }).waitFor();
    const expected = [
      `blockquote:quoted ${marker}`,
      'code:npm test',
      'strong:now',
      'em:please',
      'a:https://example.com/x',
      'pre:if (a < b) { <b>not bold</b> }',
      'code:if (a < b) { <b>not bold</b> }',
    ];
    expect(await shape(bob.page, marker)).toEqual(expected);
    expect(await bob.page.locator('#messages li .text', { hasText: marker }).textContent()).toContain('<script>alert(1)</script>');
    await reloadChat(bob.page);
    await bob.page.locator('#messages li .text', { hasText: marker }).waitFor();
    expect(await shape(bob.page, marker)).toEqual(expected);
  });
});
