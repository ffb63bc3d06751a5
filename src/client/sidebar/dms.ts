// The direct-message threads in the sidebar: one link per person talked to, the newest on top.
import type { User } from '../../shared/protocol/index.js';
import { byId, element, listItem, personButton } from '../dom.js';
import { knownUsers, remember } from '../state.js';
import { dmButton } from './button.js';

/** The people of the threads the server listed are known by name from the start. */
export function rememberListedDms(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('#dms .dm-link')) {
    const id = button.dataset.userId;
    const name = button.querySelector('.user-name')?.textContent;
    if (id && name) knownUsers.set(id, { id, name, image: 0 });
  }
}

export function ensureDmLink(user: User): void {
  remember(user);
  if (dmButton(user.id)) return;
  const button = personButton(user, 'dm-link', { 'data-user-id': user.id });
  const unread = element('span', { className: 'unread', text: '0' });
  unread.hidden = true;
  button.append(unread);
  byId('dms').prepend(listItem(button));
}

/** The person behind a DM link that was clicked. */
export function dmLinkUser(target: EventTarget | null): User | undefined {
  const id = (target as Element).closest<HTMLButtonElement>('.dm-link')?.dataset.userId;
  return id ? knownUsers.get(id) : undefined;
}
