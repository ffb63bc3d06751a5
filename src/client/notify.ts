// Opt-in desktop notifications for DMs and mentions while the tab is hidden.

const PREFERENCE = 'chat:notifications';

/** On when the browser allows it and the person has not switched it off here. */
export function notificationsWanted(): boolean {
  return (
    'Notification' in window && Notification.permission === 'granted' && localStorage.getItem(PREFERENCE) !== 'off'
  );
}

/** The button: asks the browser the first time, then toggles our own preference. */
export async function requestNotifications(): Promise<void> {
  if (!('Notification' in window)) return;
  if (notificationsWanted()) {
    localStorage.setItem(PREFERENCE, 'off');
    return;
  }
  localStorage.removeItem(PREFERENCE);
  if (Notification.permission === 'default') await Notification.requestPermission();
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
