// Mentions (which names a message's `@`s may stand for) and the `/msg name message` command.
import { describe, expect, it } from 'vitest';
import { MAX_MENTIONS, mentionCandidates, mentionsUser, parseDmCommand } from '../../../src/shared/protocol/index.js';

describe('mentionCandidates', () => {
  it('offers for each @ the runs after it that end where a word does, longest first', () => {
    expect(mentionCandidates('hi @Ada, look')).toEqual([['Ada, look', 'Ada']]);
    expect(mentionCandidates('@Ada Lovelace hi')).toEqual([['Ada Lovelace hi', 'Ada Lovelace', 'Ada']]);
    expect(mentionCandidates('ask @路人甲 please')).toEqual([['路人甲 please', '路人甲']]);
  });

  it('skips an @ inside a word (a mail address) and a bare @', () => {
    expect(mentionCandidates('mail ada@example.com')).toEqual([]);
    expect(mentionCandidates('@ alone')).toEqual([]);
  });

  it('looks at no more than MAX_MENTIONS of them, each no longer than a name', () => {
    expect(mentionCandidates('@a '.repeat(100))).toHaveLength(MAX_MENTIONS);
    expect(mentionCandidates(`@${'x'.repeat(500)}`)).toEqual([]);
    expect(mentionCandidates(`@${'word '.repeat(50)}`)[0]!.every((name) => [...name].length <= 32)).toBe(true);
  });

  it('says a message mentions a user by the ids it was sent with, not by any name', () => {
    expect(mentionsUser({ mentions: ['u1'] }, 'u1')).toBe(true);
    expect(mentionsUser({ mentions: ['u1'] }, 'u2')).toBe(false);
    expect(mentionsUser({}, 'u1')).toBe(false);
  });
});

describe('parseDmCommand', () => {
  const ada = { id: '1', name: 'Ada', image: 0 };
  const ada2 = { id: '2', name: 'Ada', image: 0 };
  const adaL = { id: '3', name: 'Ada Lovelace', image: 0 };

  it('reads `/msg name message` with the longest matching name', () => {
    expect(parseDmCommand('/msg Ada Lovelace hello there', [ada, adaL])).toEqual({ kind: 'dm', name: 'Ada Lovelace', candidates: [adaL], text: 'hello there' });
    expect(parseDmCommand('/msg @Ada hi', [ada, adaL])).toEqual({ kind: 'dm', name: 'Ada', candidates: [ada], text: 'hi' });
  });

  it('returns every person of that name, to ask which one, and the first word when nobody is known', () => {
    expect(parseDmCommand('/msg Ada hi', [ada, ada2])).toMatchObject({ kind: 'dm', candidates: [ada, ada2] });
    expect(parseDmCommand('/msg Nobody hi there', [ada])).toEqual({ kind: 'dm', name: 'Nobody', candidates: [], text: 'hi there' });
  });

  it('never reads `@name message` as private: that is a message to the room', () => {
    expect(parseDmCommand('@Ada hi', [ada])).toEqual({ kind: 'none' });
    expect(parseDmCommand('hello /msg Ada hi', [ada])).toEqual({ kind: 'none' });
  });

  it('is incomplete without a name or a message', () => {
    expect(parseDmCommand('/msg ', [ada])).toEqual({ kind: 'incomplete' });
    expect(parseDmCommand('/msg Ada', [ada])).toEqual({ kind: 'incomplete' });
    expect(parseDmCommand('/msg Ada   ', [ada])).toEqual({ kind: 'incomplete' });
  });
});
