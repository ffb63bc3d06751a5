// Reading a form's (or a JSON body's) fields: one field as sent, and a password field checked for
// its length. Never logged, never sent back to a page.
import { codePointLength, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../shared/protocol/index.js';
import type { AppContext } from './context.js';

export function bodyField(ctx: AppContext, key: string): unknown {
  const body = ctx.request.body as unknown;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/** A password field: none when absent or left empty, else a string of the allowed length; null when it is not. */
export function passwordField(ctx: AppContext, key = 'password'): string | undefined | null {
  const raw = bodyField(ctx, key);
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') return null;
  const length = codePointLength(raw.normalize('NFC'));
  return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH ? raw : null;
}
