// The sign-in page's one script (bundled apart, to static/signin.js; the account page loads it for its
// name field too): the guest name the server suggests is selected, so that typing replaces it, and
// the field takes as many characters as the server's name limit (MAX_NAME_LENGTH code points;
// `maxlength` alone counts UTF-16 units).
import { MAX_NAME_LENGTH } from '../shared/protocol/limits.js';

/** Fits a name field to MAX_NAME_LENGTH characters as they are typed. */
function fitToNameLimit(input: HTMLInputElement): void {
  // An emoji is one character to the server but two units to maxlength: room is left for two units
  // per character left, and whatever then goes over (plain letters) is cut to the limit.
  const fit = (event?: Event) => {
    let characters = [...input.value];
    if (characters.length > MAX_NAME_LENGTH && !(event instanceof InputEvent && event.isComposing)) {
      characters = characters.slice(0, MAX_NAME_LENGTH);
      input.value = characters.join('');
    }
    const left = MAX_NAME_LENGTH - characters.length;
    input.maxLength = input.value.length + 2 * left;
  };
  fit();
  input.addEventListener('input', fit);
  input.addEventListener('compositionend', fit);
}

// The sign-in page's name, and the account page's new name (which loads this script too).
const input = document.getElementById('name') as HTMLInputElement | null;
const newName = document.getElementById('new-name') as HTMLInputElement | null;
if (newName) fitToNameLimit(newName);

if (input) {
  fitToNameLimit(input);
  // Only a suggestion is selected: a name sent back with an error is the person's own, to correct.
  const elsewhere = document.activeElement !== null && document.activeElement !== document.body && document.activeElement !== input;
  if (input.dataset.suggested !== undefined && !elsewhere) {
    input.focus();
    input.select();
  }
}
