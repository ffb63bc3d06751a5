// NUL search: control characters in a search (NUL ends a string in SQLite's C code), in the text
// and in the room, each answered on its own.
import { request } from '../../kit/http.js';
import type { Context, Outcome } from '../attack.js';
import { signInMany } from '../users.js';

const QUERIES = ['q=x%00nul', 'q=%00', 'q=a&room=lobby%00', 'q=%01%1f%7f'];

export async function nulSearch(context: Context): Promise<Outcome> {
  const [user] = await signInMany(context, 1, 'nul');
  if (!user) throw new Error('no searcher');
  const answers: string[] = [];
  let all400 = true;
  for (const query of QUERIES) {
    const answer = await request(context.target.url, 'GET', `/search?${query}`, { cookie: user.cookie, timeoutMs: 15_000 }).catch(
      (error: Error) => ({ status: error.message }),
    );
    answers.push(`${query} → ${answer.status}`);
    all400 &&= answer.status === 400;
  }
  // Anything but a 400 is a search that reached the store with a control character in it.
  return { tried: `GET /search with ${QUERIES.length} queries holding control characters`, happened: answers.join(', '), failed: !all400 };
}
