// The date lines between days in a message list: "Today", "Yesterday", else the date, in the page's
// language and the reader's time zone. Drawn from the server's template (views/_message.njk) for the
// rendered first page, live messages and older pages alike.
import { byId } from './dom.js';
import { lang, t } from './i18n.js';

// The page's language is a locale already ('zh-CN', 'en'); the time zone is the browser's own.
const sameYear = new Intl.DateTimeFormat(lang, { weekday: 'long', month: 'long', day: 'numeric' });
const otherYear = new Intl.DateTimeFormat(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

/** A local day as `YYYY-MM-DD`: two times are on one day when these are equal. */
function dayKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** How a day reads: "Today", "Yesterday", or its date (with the year when it is not this one). */
function dayLabel(date: Date): string {
  const now = new Date();
  if (dayKey(date) === dayKey(now)) return t('messages.today');
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return t('messages.yesterday');
  return (date.getFullYear() === now.getFullYear() ? sameYear : otherYear).format(date);
}

/** When a row was said: a message's time, now for one still sending; undefined for notices and the other lines. */
function rowTime(row: Element): Date | undefined {
  if (!row.classList.contains('message')) return undefined;
  const datetime = row.querySelector('time')?.getAttribute('datetime');
  if (!datetime) return row.classList.contains('pending') || row.classList.contains('failed') ? new Date() : undefined;
  const date = new Date(datetime);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function separator(date: Date): HTMLLIElement {
  const item = byId<HTMLTemplateElement>('day-template').content.firstElementChild?.cloneNode(true) as HTMLLIElement;
  const time = item.querySelector('time') as HTMLTimeElement;
  time.dateTime = dayKey(date);
  time.textContent = dayLabel(date);
  return item;
}

/** The message row before `row` in its list, skipping notices and lines. */
function previousMessage(row: Element): Element | undefined {
  for (let at = row.previousElementSibling; at; at = at.previousElementSibling) if (rowTime(at)) return at;
  return undefined;
}

/** Draws every date line of a list again: after a page of history, or a first page taken over. */
export function markDays(list: HTMLOListElement): void {
  let previous: string | undefined;
  for (const row of [...list.children]) {
    if (row.classList.contains('day-separator')) {
      row.remove();
      continue;
    }
    const date = rowTime(row);
    if (!date) continue;
    if (dayKey(date) !== previous) row.before(separator(date));
    previous = dayKey(date);
  }
}

/** One row added at the end of a list: a date line before it when it starts a new day. */
export function markDay(row: Element): void {
  const date = rowTime(row);
  if (!date) return;
  const before = previousMessage(row);
  const earlier = before && rowTime(before);
  if (earlier && dayKey(earlier) === dayKey(date)) return;
  if (row.previousElementSibling?.classList.contains('day-separator')) return;
  row.before(separator(date));
}

/** Redraws every date line's words: at midnight "Today" becomes "Yesterday", and "Yesterday" a date. */
function relabelAll(): void {
  for (const time of document.querySelectorAll<HTMLTimeElement>('.day-separator time')) {
    const [year, month, day] = time.dateTime.split('-').map(Number) as [number, number, number];
    time.textContent = dayLabel(new Date(year, month - 1, day));
  }
}

/** Relabels the lines just after each local midnight, for a page left open overnight. */
export function relabelAtMidnight(): void {
  const now = new Date();
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 1);
  setTimeout(() => {
    relabelAll();
    relabelAtMidnight();
  }, next.getTime() - now.getTime());
}
