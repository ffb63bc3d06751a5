// The room directory: finds rooms by name (`GET /rooms?q=`), a page at a time, each with how many
// people are in it now, and opens (joining) the one picked. The sidebar lists only my rooms, so
// this is how anyone finds the others, however many the site has.
import { ROOM_DIRECTORY_PAGE } from '../../shared/protocol/index.js';
import { byId, element, listItem } from '../dom.js';
import { t } from '../i18n.js';
import { myRooms } from '../state.js';

interface DirectoryRoom {
  name: string;
  count: number;
  createdBy: string | null;
}

interface DirectoryPage {
  rooms: DirectoryRoom[];
  next: string | null;
}

/** Typing asks the server once the person pauses this long. */
const TYPING_PAUSE_MS = 200;

let typingTimer: ReturnType<typeof setTimeout> | undefined;
/** Only the answer to the latest request is shown: an older one arrives stale. */
let latest = 0;
/** Where the next page starts, for "More rooms". */
let next: string | null = null;

const input = () => byId<HTMLInputElement>('room-finder-input');

async function fetchPage(q: string, after: string | null): Promise<DirectoryPage | string> {
  const query = new URLSearchParams({ q, limit: String(ROOM_DIRECTORY_PAGE) });
  if (after !== null) query.set('after', after);
  try {
    const response = await fetch(`/rooms?${query}`, { headers: { accept: 'application/json' } });
    if (response.ok) return (await response.json()) as DirectoryPage;
    const reply = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
    return reply?.error ?? t('error.server');
  } catch {
    return t('rooms.actionOffline');
  }
}

function row(room: DirectoryRoom): HTMLLIElement {
  const button = element('button', {
    className: 'directory-room',
    attrs: { type: 'button', 'data-room': room.name, 'data-created-by': room.createdBy ?? '' },
  });
  button.append(
    element('span', { className: 'room-name', text: `# ${room.name}` }),
    ' ',
    element('span', { className: 'count', text: String(room.count), attrs: { title: t('rooms.peopleHere') } }),
    element('span', { className: 'directory-action', text: myRooms.has(room.name) ? t('rooms.open') : t('rooms.join') }),
  );
  return listItem(button);
}

/** Shows the first page of rooms matching the box (every room when it is empty), or the next page. */
export async function findRooms(more = false): Promise<void> {
  clearTimeout(typingTimer);
  const request = ++latest;
  const page = await fetchPage(input().value.trim(), more ? next : null);
  if (request !== latest) return;
  const list = byId('directory-list');
  const note = byId('directory-note');
  if (typeof page === 'string') {
    note.textContent = page;
    note.hidden = false;
  } else {
    if (!more) list.replaceChildren();
    list.append(...page.rooms.map(row));
    next = page.next;
    note.textContent = t('rooms.noneFound');
    note.hidden = list.childElementCount > 0;
  }
  byId('directory-more').hidden = typeof page === 'string' || next === null;
  byId('directory').hidden = false;
}

/** Typing in the box: the matches once the person pauses; an emptied box closes the list. */
export function findAsYouType(): void {
  clearTimeout(typingTimer);
  if (!input().value.trim()) return closeDirectory();
  typingTimer = setTimeout(() => void findRooms(), TYPING_PAUSE_MS);
}

export function closeDirectory(): void {
  clearTimeout(typingTimer);
  latest++;
  byId('directory').hidden = true;
  byId('directory-list').replaceChildren();
}

/** The room of a directory row that was clicked, and who made it. */
export function directoryPick(target: EventTarget | null): { name: string; createdBy: string } | undefined {
  const button = (target as Element).closest<HTMLButtonElement>('.directory-room');
  const name = button?.dataset.room;
  return name === undefined ? undefined : { name, createdBy: button?.dataset.createdBy ?? '' };
}

/** A room's head-count changed (a `counts` frame): its row, when the directory shows it, follows. */
export function directoryCount(room: string, count: number): void {
  const badge = byId('directory-list').querySelector(`.directory-room[data-room="${CSS.escape(room)}"] .count`);
  if (badge) badge.textContent = String(count);
}

/** A room that ended is no longer there to join. */
export function dropFromDirectory(room: string): void {
  byId('directory-list').querySelector(`.directory-room[data-room="${CSS.escape(room)}"]`)?.closest('li')?.remove();
}
