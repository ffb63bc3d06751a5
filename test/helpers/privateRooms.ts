// Making a private room over HTTP, as the page does (docs/protocol.md, "Private rooms").
import type { SignedIn } from './server.js';

/** `POST /rooms` with `private` (true unless told), as JSON, answered in English. */
export function makePrivate(url: string, who: SignedIn, name: string, value: unknown = true): Promise<Response> {
  return fetch(`${url}/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', cookie: who.cookie },
    body: JSON.stringify({ name, private: value }),
  });
}
