// The message box: sending what is typed (in a room, `@name message` goes to that person
// privately, after asking which one when several share the name), drafts per view, autosize.
import { parseDmCommand, type DmCommand, type User } from '../shared/protocol/index.js';
import { byId, listItem, personButton } from './dom.js';
import { dmView } from './conversation.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { post } from './pending.js';
import { askWhoIs } from './sidebar/people.js';
import { current, knownUsers, type View } from './state.js';
import { typingSent } from './typing.js';

/** The box grows with its text up to this height, then scrolls. */
const MAX_HEIGHT_PX = 160;

const input = byId<HTMLTextAreaElement>('input');

export function submit(): void {
  const data = input.value.trim();
  if (!data) return;
  input.value = '';
  autosize();
  typingSent();
  const view = current;
  if (view.kind === 'dm') return post(view, data);
  const command = parseDmCommand(data, knownUsers.values());
  // A big room: the person may be here without the page knowing them, so the server is asked.
  if (command.kind !== 'dm' && view.count !== undefined && /^@\S/u.test(data)) {
    const answer = (found: User[]) => deliver(view, data, parseDmCommand(data, [...found, ...knownUsers.values()]));
    return askWhoIs(view, data, answer, () => {
      // No answer (offline): nothing is posted where everyone could read it; the text goes back.
      if (!input.value) input.value = data;
      flash(t('people.notFound'));
    });
  }
  deliver(view, data, command);
}

/** A message typed in a room: to the room, to one person privately, or to the one the person picks. */
function deliver(view: View, data: string, command: DmCommand): void {
  if (command.kind !== 'dm') post(view, data);
  else if (command.candidates.length === 1) sendDirect(command.candidates[0] as User, command.text);
  else chooseRecipient(command.candidates, command.text);
}

function sendDirect(user: User, text: string): void {
  post(dmView(user), text);
  flash(t('dm.sentPrivately', { name: user.name }));
}

/** Several people share the name: ask which one is meant. */
function chooseRecipient(candidates: User[], text: string): void {
  const chooser = byId('chooser');
  const list = chooser.querySelector('ul') as HTMLUListElement;
  (chooser.querySelector('.chooser-title') as HTMLElement).textContent = t('users.ambiguous', {
    name: candidates[0]?.name ?? '',
  });
  list.replaceChildren(
    ...candidates.map((user) => {
      const button = personButton(user, 'user-link');
      button.addEventListener('click', () => {
        chooser.hidden = true;
        sendDirect(user, text);
        input.focus();
      });
      return listItem(button);
    }),
  );
  chooser.hidden = false;
  list.querySelector('button')?.focus();
}

export function autosize(): void {
  // Empty: back to one row (Chromium would otherwise size the box to a wrapped placeholder).
  if (!input.value) {
    input.style.height = '';
    return;
  }
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
}

export function saveDraft(view: View): void {
  view.draft = input.value;
}

/** The box as a view left it, with a placeholder that says where the message goes. */
export function loadDraft(view: View): void {
  input.placeholder =
    view.kind === 'room' ? t('composer.placeholderRoom', { room: view.title }) : t('composer.placeholderDm', { name: view.title });
  input.value = view.draft;
  autosize();
}
