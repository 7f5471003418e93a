import { describe, expect, it } from 'vitest';
import { folder, node, opened } from './fixtures.test-util';
import { filterByName, formatOrder, parseOrder, sortNodes } from './sort';

const names = (l: { name: string }[]) => l.map((n) => n.name);

describe('sorting a folder', () => {
  const items = [
    node('b10.txt', { size: 5, mtime: '2026-11-03T00:00:00Z' }),
    folder('Zeta'),
    node('B2.txt', { size: 50, mtime: '2026-11-01T00:00:00Z' }),
    folder('alpha'),
    node('été.txt', { size: 20, mtime: '2026-11-02T00:00:00Z' }),
  ];

  it('puts folders first, then names in natural, case-insensitive order', () => {
    expect(names(sortNodes(items, { key: 'name', dir: 'asc' }, 'fr'))).toEqual([
      'alpha',
      'Zeta',
      'B2.txt',
      'b10.txt',
      'été.txt',
    ]);
  });

  it('keeps folders first when descending', () => {
    expect(names(sortNodes(items, { key: 'name', dir: 'desc' }, 'fr'))).toEqual([
      'Zeta',
      'alpha',
      'été.txt',
      'b10.txt',
      'B2.txt',
    ]);
  });

  it('sorts by size and by date, ties by name', () => {
    expect(names(sortNodes(items, { key: 'size', dir: 'desc' }, 'en'))).toEqual([
      'alpha',
      'Zeta',
      'B2.txt',
      'été.txt',
      'b10.txt',
    ]);
    expect(names(sortNodes(items, { key: 'mtime', dir: 'asc' }, 'en')).slice(2)).toEqual([
      'B2.txt',
      'été.txt',
      'b10.txt',
    ]);
  });

  it('does not change the list it is given', () => {
    const copy = [...items];
    sortNodes(items, { key: 'size', dir: 'asc' }, 'en');
    expect(items).toEqual(copy);
  });

  it('remembers an order as text and reads it back', () => {
    expect(parseOrder(formatOrder({ key: 'mtime', dir: 'desc' }))).toEqual({
      key: 'mtime',
      dir: 'desc',
    });
    expect(parseOrder('colour:up')).toEqual({ key: 'name', dir: 'asc' });
    expect(parseOrder(null)).toEqual({ key: 'name', dir: 'asc' });
  });
});

describe('an armoured folder', () => {
  // In the server's order: by token.
  const listed = [
    opened(node('zèbre.txt'), 'AAAAAAAAAAAAAAAAAAAAAA'),
    opened(folder('Photos'), 'BBBBBBBBBBBBBBBBBBBBBA'),
    opened(node('notes 10.md'), 'CCCCCCCCCCCCCCCCCCCCCA'),
    opened(node('secret.pdf'), 'DDDDDDDDDDDDDDDDDDDDDA', 'unreadable'),
    opened(folder('archives'), 'EEEEEEEEEEEEEEEEEEEEEA'),
    opened(node('notes 9.md'), 'FFFFFFFFFFFFFFFFFFFFFA'),
    opened(folder('x'), 'GGGGGGGGGGGGGGGGGGGGGA', 'bad_signature'),
  ];

  it('is sorted by the names opened, folders first, names that did not open last', () => {
    expect(names(sortNodes(listed, { key: 'name', dir: 'asc' }, 'fr'))).toEqual([
      'archives',
      'Photos',
      'GGGGGGGGGGGGGGGGGGGGGA',
      'notes 9.md',
      'notes 10.md',
      'zèbre.txt',
      'DDDDDDDDDDDDDDDDDDDDDA',
    ]);
    expect(names(sortNodes(listed, { key: 'name', dir: 'desc' }, 'fr')).slice(3)).toEqual([
      'zèbre.txt',
      'notes 10.md',
      'notes 9.md',
      'DDDDDDDDDDDDDDDDDDDDDA',
    ]);
  });

  it('is searched in the browser, case and accents aside, never by token', () => {
    expect(names(filterByName(listed, 'ZEBRE'))).toEqual(['zèbre.txt']);
    expect(names(filterByName(listed, 'notes md'))).toEqual(['notes 10.md', 'notes 9.md']);
    expect(filterByName(listed, 'DDDD')).toEqual([]);
    expect(filterByName(listed, '  ')).toHaveLength(listed.length);
  });
});
