import { describe, expect, it } from 'vitest';
import { localSnippet, matchRanges, queryWords, searchLocal } from './localsearch';
import { MARK_CLOSE as C, MARK_OPEN as O } from './snippet';

describe('search in the browser (armoured workspaces)', () => {
  it('folds the query into words', () => {
    expect(queryWords('  Réunion   RÉUNION 14h ')).toEqual(['reunion', '14h']);
    expect(queryWords('   ')).toEqual([]);
  });

  it('finds every word, case and accents aside, with original offsets', () => {
    expect(matchRanges('La réunion est à 14h', ['reunion'])).toEqual([[3, 10]]);
    expect(matchRanges('Élodie et elodie', ['elo'])).toEqual([
      [0, 3],
      [10, 13],
    ]);
    expect(matchRanges('abc', ['abc', 'x'])).toBeNull();
    expect(matchRanges('abcdef', ['bcd', 'cde'])).toEqual([[1, 5]]);
    // Decomposed accents (NFD) map back to whole characters.
    expect(matchRanges('cafe\u0301 noir', ['cafe'])).toEqual([[0, 5]]);
  });

  it('marks matches in a snippet around the first one', () => {
    expect(localSnippet('Bonjour secret 42', ['secret'])).toBe(`Bonjour ${O}secret${C} 42`);
    const long = `${'x '.repeat(100)}fin secrète`;
    const s = localSnippet(long, ['secrete']) ?? '';
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith(`${O}secrète${C}`)).toBe(true);
    expect(localSnippet('rien', ['secret'])).toBeNull();
  });

  it('filters by channel, author and dates, newest first', () => {
    const items = [
      {
        id: '1',
        channel_id: 'c1',
        author_id: 'a',
        created_at: '2026-01-01T10:00:00Z',
        text: 'secret un',
      },
      {
        id: '2',
        channel_id: 'c2',
        author_id: 'b',
        created_at: '2026-01-02T10:00:00Z',
        text: 'Secret deux',
      },
      {
        id: '3',
        channel_id: 'c1',
        author_id: 'b',
        created_at: '2026-01-03T10:00:00Z',
        text: 'autre',
      },
    ];
    expect(searchLocal(items, { q: 'secret' }).map((h) => h.item.id)).toEqual(['2', '1']);
    expect(searchLocal(items, { q: 'secret', channel: 'c1' }).map((h) => h.item.id)).toEqual(['1']);
    expect(searchLocal(items, { q: 'secret', author: 'b' }).map((h) => h.item.id)).toEqual(['2']);
    expect(
      searchLocal(items, { q: 'secret', from: '2026-01-02T00:00:00Z' }).map((h) => h.item.id),
    ).toEqual(['2']);
    expect(
      searchLocal(items, { q: 'secret', to: '2026-01-02T00:00:00Z' }).map((h) => h.item.id),
    ).toEqual(['1']);
    expect(searchLocal(items, { q: '' })).toEqual([]);
  });
});
