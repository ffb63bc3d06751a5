// The page's socket address: where to resume from, and the protocol extensions the page asks for.
import { describe, expect, it } from 'vitest';
import { socketPath } from '../../src/client/socketPath.js';

describe('socketPath', () => {
  it('resumes after the given id and asks for the page’s extensions, by the protocol’s own names', () => {
    const url = new URL(socketPath(42), 'http://chat.test');
    expect(url.pathname).toBe('/ws/chat');
    expect(Object.fromEntries(url.searchParams)).toEqual({ since: '42', presence: 'batch', people: 'lazy', rooms: 'changes', counts: 'live' });
  });
});

describe('socketPath with changes', () => {
  it('asks for the changes after the highest one seen, next to since; without one known, for none', () => {
    const url = new URL(socketPath(42, 17), 'http://chat.test');
    expect(Object.fromEntries(url.searchParams)).toEqual({ since: '42', changes: '17', presence: 'batch', people: 'lazy', rooms: 'changes', counts: 'live' });
    expect(new URL(socketPath(42, 0), 'http://chat.test').searchParams.get('changes')).toBe('0');
    expect(new URL(socketPath(42), 'http://chat.test').searchParams.has('changes')).toBe(false);
  });
});
