// The message box: sending what is typed (in a room, `/msg name message` goes to that person
// privately, after asking which one when several share the name; a chip above the box says so
// before it goes), drafts per view (kept across reloads by drafts.ts), autosize. The text leaves the box only once it has somewhere to go.
import { DM_COMMAND, parseDmCommand, type User } from '../shared/protocol/index.js';
import { byId, listItem, personButton } from './dom.js';
import { dmView } from './conversation.js';
import { keepDraft, storedDraft } from './drafts.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { post } from './pending.js';
import { takeReply } from './replying.js';
import { askWhoIs } from './sidebar/people.js';
import { current, knownUsers, maxMessageLength, type View } from './state.js';
import { tooLong, updateCounter } from './counter.js';
import { typingSent } from './typing.js';

/** The box grows with its text up to this height, then scrolls. */
const MAX_HEIGHT_PX = 160;

const input = byId<HTMLTextAreaElement>('input');

export function submit(): void {
  const data = input.value.trim();
  if (!data) return;
  // The server would refuse it: the text stays, to be shortened (the counter is red).
  if (tooLong(data)) return flash(t('wsError.too_long.message', { max: maxMessageLength }));
  const view = current;
  if (view.kind === 'dm') return sent(() => post(view, data, takeReply(view)));
  const command = parseDmCommand(data, knownUsers.values());
  if (command.kind === 'none') return sent(() => post(view, data, takeReply(view)));
  // Private, but to nobody yet: nothing goes anywhere, the text stays.
  if (command.kind === 'incomplete') return flash(t('dm.howTo'));
  if (command.candidates.length > 0) return sendPrivately(command.candidates, command.text);
  // Nobody of that name known to the page: the room is asked; never posted where everyone could read it.
  // Sent whole, so that a name with spaces ("Ada Lovelace hi") is found by the names it starts with.
  askWhoIs(
    view,
    `@${data.slice(DM_COMMAND.length).trimStart().replace(/^@/u, '')}`,
    (found) => {
      const named = parseDmCommand(data, found);
      if (named.kind === 'dm' && named.candidates.length > 0) sendPrivately(named.candidates, named.text);
      else flash(t('people.notFound'));
    },
    () => flash(t('people.notFound')),
  );
}

/** Empties the box for what was just sent. */
function sent(send: () => void): void {
  input.value = '';
  keepDraft(current, '');
  autosize();
  showPrivateChip();
  typingSent();
  send();
}

function sendPrivately(candidates: User[], text: string): void {
  if (candidates.length === 1) sent(() => sendDirect(candidates[0] as User, text));
  else chooseRecipient(candidates, text);
}

function sendDirect(user: User, text: string): void {
  post(dmView(user), text);
  flash(t('dm.sentPrivately', { name: user.name }));
}

/** Several people share the name: ask which one is meant (closing the question leaves the text in the box). */
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
        sent(() => sendDirect(user, text));
        input.focus();
      });
      return listItem(button);
    }),
  );
  chooser.hidden = false;
  list.querySelector('button')?.focus();
}

/**
 * The chip above the box while a room's message is a `/msg`: "Private to Ada" once the name is
 * someone the page knows, else how to write one; hidden for a message to the room.
 */
export function showPrivateChip(): void {
  const chip = byId('private-chip');
  const text = input.value.trimStart();
  if (current.kind !== 'room' || !text.toLowerCase().startsWith(DM_COMMAND.trim())) {
    chip.hidden = true;
    return;
  }
  // A stand-in message after what is typed, so that "/msg Ada" reads as naming Ada before the message is written.
  const command = parseDmCommand(`${text} .`, knownUsers.values());
  const known = command.kind === 'dm' && command.candidates.length > 0 ? command.candidates[0] : undefined;
  chip.textContent = known ? t('composer.privateTo', { name: known.name }) : t('dm.howTo');
  chip.hidden = false;
}

/** The box changed: its height and its character counter follow. */
export function autosize(): void {
  updateCounter();
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

/** The box changed (not in an edit): its text is the view's draft, kept across reloads. */
export function draftTyped(): void {
  current.draft = input.value;
  keepDraft(current, input.value);
}

/** The box as a view left it, with a placeholder that says where the message goes. */
export function loadDraft(view: View): void {
  input.placeholder =
    view.kind === 'room' ? t('composer.placeholderRoom', { room: view.title }) : t('composer.placeholderDm', { name: view.title });
  // A view's first showing in this page: the draft it had before a reload, if any.
  if (!view.draft) view.draft = storedDraft(view);
  input.value = view.draft;
  autosize();
  showPrivateChip();
}
