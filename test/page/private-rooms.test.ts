// Private rooms on the page, in Chromium, in English and in Chinese: the new-room form's Private
// box, the room marked private in the sidebar, the Invite form of its view; the invitee sees the
// room appear and reads it until its maker removes them from the people list, and someone else
// neither has it in the sidebar nor finds it in the directory. What the server refuses on every path is in test/integration/private-*.test.ts.
import { expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import { personName } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { conversationTitle, describeInChromium, openConversation, roomButton, say, sidebarRoom, usePeople, waitForMessage } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

describeInChromium('private rooms, in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`makes one, invites someone who then sees and reads it, and nobody else sees it (${lang})`, async () => {
      const [ownerUser, guestUser, outsiderUser] = await Promise.all([chat.signIn(personName('Owner')), chat.signIn(personName('Guest')), chat.signIn(personName('Out'))]);
      const options = { locale: lang };
      const [owner, guest, outsider] = await Promise.all([people.openAs(ownerUser, options), people.openAs(guestUser, options), people.openAs(outsiderUser, options)]);
      const room = `hush-${lang}`;
      const flash = (page: typeof owner.page) => until('a note', async () => ((await page.locator('#flash').textContent()) ?? '').trim(), (text) => text !== '');

      // Made private from the form: marked so in the sidebar, with an Invite form in its view.
      const checkbox = owner.page.locator('#new-room-private');
      expect(((await owner.page.locator('.new-room-private').textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.private'));
      await owner.page.locator('#new-room-name').fill(room);
      await checkbox.check();
      await owner.page.locator('#new-room-name').press('Enter');
      await until(`# ${room} on screen`, () => conversationTitle(owner.page), (title) => title === `# ${room}`);
      expect(await checkbox.isChecked()).toBe(false);
      const button = owner.page.locator(roomButton(room));
      expect(await button.getAttribute('data-private')).toBe('true');
      expect(((await button.locator('.private-mark').textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.privateMark'));
      await owner.page.locator('#invite').waitFor({ state: 'visible' });
      // The lobby is everyone's: no Invite there.
      await openConversation(owner.page, roomButton('lobby'), '# lobby');
      expect(await owner.page.locator('#invite').isVisible()).toBe(false);
      await openConversation(owner.page, roomButton(room), `# ${room}`);

      // Inviting by name: both are told, in their language; the room appears in the invitee's sidebar.
      await owner.page.locator('#invite-name').fill(guestUser.user.name);
      await owner.page.locator('#invite button[type="submit"]').click();
      expect(await flash(owner.page)).toBe(translate(lang, 'room.invitedThem', { name: guestUser.user.name, room }));
      expect(await flash(guest.page)).toBe(translate(lang, 'room.invitedYou', { by: ownerUser.user.name, room }));
      await until(`# ${room} in the invitee's sidebar`, () => sidebarRoom(guest.page, room), (row) => row !== undefined);
      await openConversation(guest.page, roomButton(room), `# ${room}`);
      const text = `${lang} between us`;
      await say(owner.page, text);
      await waitForMessage(guest.page, text);

      // Its maker removes the invitee from the people list: the room leaves the invitee's page, with a word why.
      const remove = owner.page.locator(`#users .remove-member[data-user-id="${guestUser.user.id}"]`);
      expect(await remove.getAttribute('aria-label')).toBe(translate(lang, 'room.removeTitle', { name: guestUser.user.name }));
      expect(await guest.page.locator('#users .remove-member').count()).toBe(0);
      await remove.click();
      // The note of the invitation may still be up: wait for the next one.
      await until('the note of the removal', () => flash(guest.page), (note) => note === translate(lang, 'room.removedYou', { by: ownerUser.user.name, room }));
      await until(`# ${room} gone from the invitee's sidebar`, () => sidebarRoom(guest.page, room), (row) => row === undefined);
      expect(await conversationTitle(guest.page)).toBe('# lobby');
      await until('the removed note', () => flash(owner.page), (note) => note === translate(lang, 'room.removedThem', { name: guestUser.user.name, room }));

      // The outsider: not in the sidebar, not in the directory, after all of that.
      expect(await sidebarRoom(outsider.page, room)).toBeUndefined();
      await outsider.page.locator('#room-finder-input').fill(room);
      await outsider.page.locator('#room-finder button[type="submit"]').click();
      const note = outsider.page.locator('#directory-note');
      await note.waitFor({ state: 'visible' });
      expect(((await note.textContent()) ?? '').trim()).toBe(translate(lang, 'rooms.noneFound'));
      expect(await outsider.page.locator('#directory-list .directory-room').count()).toBe(0);
      expect(await outsider.page.locator('body').textContent()).not.toContain(text);
    });
  }
});
