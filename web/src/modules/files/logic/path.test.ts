import { describe, expect, it } from 'vitest';
import {
  baseName,
  crumbsOf,
  freeName,
  isWithin,
  joinPath,
  numberedName,
  parentPath,
  shownPath,
  splitRelative,
} from './path';

describe('paths', () => {
  it('joins, splits and compares', () => {
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b c')).toBe('/a/b c');
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/')).toBe('/');
    expect(baseName('/a/b.txt')).toBe('b.txt');
    expect(isWithin('/a/b', '/a')).toBe(true);
    expect(isWithin('/a', '/a')).toBe(true);
    expect(isWithin('/ab', '/a')).toBe(false);
    expect(isWithin('/x', '/')).toBe(true);
  });

  it('splits a dropped relative path', () => {
    expect(splitRelative('photos/2026/a.jpg')).toEqual({ dirs: ['photos', '2026'], name: 'a.jpg' });
    expect(splitRelative('a.jpg')).toEqual({ dirs: [], name: 'a.jpg' });
  });

  it('numbers a name before its extension until it is free', () => {
    expect(numberedName('photo.jpg', 2)).toBe('photo (2).jpg');
    expect(numberedName('notes', 3)).toBe('notes (3)');
    expect(numberedName('.env', 2)).toBe('.env (2)');
    expect(freeName('a.txt', new Set(['a.txt', 'a (2).txt']))).toBe('a (3).txt');
    expect(freeName('b.txt', new Set(['a.txt']))).toBe('b.txt');
  });
});

describe('breadcrumbs', () => {
  it('has only the root at the root', () => {
    expect(crumbsOf('/', '')).toEqual([{ name: '', path: '/', id: '' }]);
  });

  it('names each ancestor, with the ids it knows', () => {
    const known = new Map([['/Projets', 'p1']]);
    expect(crumbsOf('/Projets/2026/Budget', 'f3', known)).toEqual([
      { name: '', path: '/', id: '' },
      { name: 'Projets', path: '/Projets', id: 'p1' },
      { name: '2026', path: '/Projets/2026', id: undefined },
      { name: 'Budget', path: '/Projets/2026/Budget', id: 'f3' },
    ]);
  });

  it('shows an armoured path in the names opened, an unknown one as …', () => {
    const names = new Map([
      ['AAAAAAAAAAAAAAAAAAAAAA', 'Projets'],
      ['BBBBBBBBBBBBBBBBBBBBBA', 'été 2026'],
    ]);
    expect(shownPath('/AAAAAAAAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBBBBBBBA', names)).toBe(
      '/Projets/été 2026',
    );
    expect(shownPath('/AAAAAAAAAAAAAAAAAAAAAA/CCCCCCCCCCCCCCCCCCCCCA', names)).toBe('/Projets/…');
    expect(shownPath('/', names)).toBe('/');
    expect(shownPath('/a/b', undefined)).toBe('/a/b');
  });
});
