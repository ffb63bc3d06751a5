// Each message's menu: the ⋯ button (shown on hover and on keyboard focus) opens one menu, placed
// beside it, with Reply, React, Edit and Delete (Edit on my messages; Delete on mine, and on every
// message for owners and moderators: the server checks again). Arrow keys move in it, Esc closes
// it back to its button. Delete asks in place first: the item says "Delete this message for
// everyone?" and a second press deletes.
import { newRef, send } from './connection.js';
import { byId, placeBeside } from './dom.js';
import { startEdit } from './editing.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { canModerate } from './moderation.js';
import { openPicker } from './reactions.js';
import { startReply } from './replying.js';

const menu = byId('message-menu');
const deleteItem = menu.querySelector<HTMLButtonElement>('[data-action="delete"]') as HTMLButtonElement;
let opener: HTMLButtonElement | undefined;

function items(): HTMLButtonElement[] {
  return [...menu.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')].filter((item) => !item.hidden);
}

function rowOf(button: Element | undefined): HTMLElement | undefined {
  return button?.closest<HTMLElement>('li.message[data-id]') ?? undefined;
}

function disarm(): void {
  deleteItem.classList.remove('armed');
  deleteItem.textContent = t('message.delete');
}

export function closeMenu(focusBack = false): void {
  if (menu.hidden) return;
  menu.hidden = true;
  disarm();
  opener?.setAttribute('aria-expanded', 'false');
  if (focusBack) opener?.focus();
  opener = undefined;
}

function openMenu(button: HTMLButtonElement): void {
  const row = rowOf(button);
  if (!row) return;
  closeMenu();
  const mine = row.classList.contains('mine');
  (menu.querySelector('[data-action="edit"]') as HTMLElement).hidden = !mine;
  deleteItem.hidden = !mine && !canModerate;
  opener = button;
  button.setAttribute('aria-expanded', 'true');
  menu.hidden = false;
  placeBeside(menu, button);
  items()[0]?.focus();
}

function act(action: string, row: HTMLElement, button: HTMLButtonElement): void {
  if (action === 'delete') {
    if (!deleteItem.classList.contains('armed')) {
      deleteItem.classList.add('armed');
      deleteItem.textContent = t('message.confirmDelete');
      return;
    }
    closeMenu(true);
    if (!send({ type: 'delete', id: Number(row.dataset.id), ref: newRef('delete') })) flash(t('rooms.actionOffline'));
    return;
  }
  closeMenu();
  if (action === 'reply') startReply(row);
  else if (action === 'edit') startEdit(row);
  else if (action === 'react') openPicker(row, button);
}

function moveFocus(event: KeyboardEvent): void {
  const list = items();
  const at = list.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    event.key === 'ArrowDown' ? (at + 1) % list.length
    : event.key === 'ArrowUp' ? (at - 1 + list.length) % list.length
    : event.key === 'Home' ? 0
    : event.key === 'End' ? list.length - 1
    : undefined;
  if (next === undefined) return;
  event.preventDefault();
  list[next]?.focus();
}

export function wireMessageMenu(): void {
  byId('scroller').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.message-actions');
    if (!button) return;
    if (opener === button) closeMenu(true);
    else openMenu(button);
  });
  menu.addEventListener('click', (event) => {
    const item = (event.target as Element).closest<HTMLButtonElement>('[role="menuitem"]');
    const row = rowOf(opener);
    if (item && row && opener) act(item.dataset.action ?? '', row, opener);
  });
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeMenu(true);
    } else if (event.key === 'Tab') {
      closeMenu(true);
    } else {
      moveFocus(event);
    }
  });
  // A press anywhere else closes it; scrolling the messages takes it along with its button.
  document.addEventListener('pointerdown', (event) => {
    const target = event.target as Element;
    if (!menu.contains(target) && !target.closest('.message-actions')) closeMenu();
  });
  byId('scroller').addEventListener('scroll', () => {
    if (opener) placeBeside(menu, opener);
  });
}
