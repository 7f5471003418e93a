import { describe, expect, it } from 'vitest';
import { folder, node } from './fixtures.test-util';
import { formatOrder, parseOrder, sortNodes } from './sort';

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
