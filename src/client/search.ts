// Message search: asks the server (`GET /search`), lists what it found, opens a result in place.
import type { Conversation, SearchResult } from '../shared/protocol/index.js';
import { byId, displayName, element, listItem, renderText, setTime } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { openMessage } from './permalinks.js';
import { knownUsers } from './state.js';

async function fetchResults(query: string): Promise<SearchResult[] | undefined> {
  try {
    const response = await fetch(`/search?q=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });
    if (response.ok) return (await response.json()) as SearchResult[];
    const reply = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
    flash(reply?.error ?? t('error.server'));
  } catch {
    flash(t('error.server'));
  }
  return undefined;
}

function resultButton(result: SearchResult, panel: HTMLElement): HTMLButtonElement {
  const conversation: Conversation = 'room' in result ? { room: result.room } : { with: result.with };
  const other = 'with' in conversation ? knownUsers.get(conversation.with)?.name : undefined;
  const button = element('button', { className: 'result', attrs: { type: 'button' } });
  const time = element('time');
  setTime(time, result.ts);
  const text = element('div', { className: 'text', attrs: { dir: 'auto' } });
  renderText(text, result.data);
  button.append(
    element('span', { className: 'where', text: 'room' in conversation ? `# ${conversation.room}` : `@ ${other ?? result.user.name}` }),
    element('span', { className: 'author', text: displayName(result.user) }),
    ' ',
    time,
    text,
  );
  button.addEventListener('click', () => {
    panel.hidden = true;
    void openMessage(conversation, result.id);
  });
  return button;
}

/** Shows the results panel for a query, focused on the first result. */
export async function search(query: string): Promise<void> {
  const results = await fetchResults(query);
  if (!results) return;
  const panel = byId('results');
  const list = byId('results-list');
  byId('results-title').textContent = results.length === 0 ? t('search.none') : t('search.resultsFor', { q: query });
  list.replaceChildren(...results.map((result) => listItem(resultButton(result, panel))));
  panel.hidden = false;
  (list.querySelector('button') ?? byId('results-close')).focus();
}
