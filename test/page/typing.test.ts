// "X is typing…" goes from the others' screens within a second or two of the typist emptying the
// box (issue 17, item 10): the typist's page says it stopped (docs/protocol.md, `stopped`), and
// the page that shows the line removes it at once, instead of after its 5 s timeout. In Chromium,
// en and zh. Skipped without /usr/bin/chromium.
import { expect, it } from 'vitest';
import { personName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, usePeople } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/** Well under the 5 s the line stays by itself, with room for a busy machine. */
const GONE_WITHIN_MS = 2500;

describeInChromium('the typing line in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  for (const [locale, typingLine] of [
    ['en-US', (name: string) => `${name} is typing…`],
    ['zh-CN', (name: string) => `${name} 正在输入…`],
  ] as const) {
    it(`goes as soon as the typist empties the box (${locale})`, async () => {
      const [typist, reader] = [await chat.signIn(personName('Typist')), await chat.signIn(personName('Reader'))];
      const [typing, reading] = [await people.openAs(typist, { locale }), await people.openAs(reader, { locale })];
      const line = () => reading.page.locator('#typing').textContent();

      await typing.page.locator('#input').pressSequentially('half a thought');
      await until('the typing line', line, (text) => text === typingLine(typist.user.name));
      // The typist deletes it all, key by key, as a person would.
      await typing.page.locator('#input').press('Control+A');
      await typing.page.locator('#input').press('Backspace');
      const cleared = Date.now();
      await until('the typing line gone', line, (text) => text === '', GONE_WITHIN_MS);
      expect(Date.now() - cleared).toBeLessThan(GONE_WITHIN_MS);

      // Typing again shows at once (the server's 2 s interval ended with the stop).
      await typing.page.locator('#input').pressSequentially('on second thought');
      await until('the typing line again', line, (text) => text === typingLine(typist.user.name), GONE_WITHIN_MS);
      expect([...typing.pageErrors, ...reading.pageErrors]).toEqual([]);
    });
  }
});
