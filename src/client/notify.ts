// Opt-in desktop notifications for DMs and mentions while the tab is hidden.
import { t } from './i18n.js';

const PREFERENCE = 'chat:notifications';

/** On only when the person turned them on here and the browser allows them: opt-in, never assumed. */
export function notificationsWanted(): boolean {
  return 'Notification' in window && Notification.permission === 'granted' && localStorage.getItem(PREFERENCE) === 'on';
}

/** The button: turns them on (asking the browser the first time) or off again. */
export async function requestNotifications(): Promise<void> {
  if (!('Notification' in window)) return;
  if (notificationsWanted()) {
    localStorage.removeItem(PREFERENCE);
    return;
  }
  if (Notification.permission === 'default') await Notification.requestPermission();
  if (Notification.permission === 'granted') localStorage.setItem(PREFERENCE, 'on');
}

/** The button that turns them on and off, saying which they are; hidden where the browser has none. */
export function showNotifyButton(button: HTMLButtonElement): void {
  const showState = () => {
    const on = notificationsWanted();
    button.textContent = on ? t('notify.on') : t('notify.enable');
    button.setAttribute('aria-pressed', String(on));
  };
  button.hidden = !('Notification' in window);
  showState();
  button.addEventListener('click', () => void requestNotifications().then(showState));
}

export function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsWanted()) return;
  const notification = new Notification(title, { body: body.slice(0, 200), tag });
  notification.addEventListener('click', () => {
    window.focus();
    onClick();
    notification.close();
  });
}
