// `peopleMatching`: who a `people` request finds in a room (docs/protocol.md, "people").
import { describe, expect, it } from 'vitest';
import { PEOPLE_RESULTS, peopleMatching, type User } from '../../../src/shared/protocol/index.js';

describe('peopleMatching', () => {
  const user = (name: string, i = 0): User => ({ id: `${name}-${i}`, name, image: 0 });

  it('finds names containing the query, ignoring case, those starting with it first', () => {
    const users = [user('Ann Lee'), user('Joanna'), user('anna'), user('Bob')];
    expect(peopleMatching(users, 'ANN').map((u) => u.name)).toEqual(['Ann Lee', 'anna', 'Joanna']);
    expect(peopleMatching(users, '路人')).toEqual([]);
  });

  it('finds the name an `@name message` starts with, before anything else', () => {
    const users = [user('bob the builder'), user('bob'), user('rob')];
    expect(peopleMatching(users, 'bob hello').map((u) => u.name)).toEqual(['bob']);
    expect(peopleMatching(users, 'bob').map((u) => u.name)).toEqual(['bob', 'bob the builder']);
  });

  it('returns at most PEOPLE_RESULTS', () => {
    const many = Array.from({ length: 100 }, (_, i) => user(`idle ${i}`, i));
    expect(peopleMatching(many, 'idle')).toHaveLength(PEOPLE_RESULTS);
    expect(peopleMatching(many, 'idle 42 hi').map((u) => u.name)).toEqual(['idle 4', 'idle 42']);
  });
});
