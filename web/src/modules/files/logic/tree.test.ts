import { describe, expect, it } from 'vitest';
import { dirEntry, fileEntry } from './fixtures.test-util';
import { entriesOf, foldersToCreate, fromFileList, pickedFromDrop, walkEntries } from './tree';

describe('walking dropped folders', () => {
  it('finds every file with its relative path, reading directories in batches', async () => {
    const drop = [
      dirEntry('Projet', [
        fileEntry('a.txt', 'aa'),
        dirEntry('plans', [fileEntry('p1.pdf'), fileEntry('p2.pdf'), fileEntry('p3.pdf')]),
        dirEntry('vide', []),
        fileEntry('b.txt'),
      ]),
      fileEntry('seul.txt'),
    ];
    const r = await walkEntries(drop);
    expect(r.files.map((f) => f.path)).toEqual([
      'Projet/a.txt',
      'Projet/plans/p1.pdf',
      'Projet/plans/p2.pdf',
      'Projet/plans/p3.pdf',
      'Projet/b.txt',
      'seul.txt',
    ]);
    expect(r.folders).toEqual(['Projet', 'Projet/plans', 'Projet/vide']);
    expect(await r.files[0]?.file.text()).toBe('aa');
    expect(r.truncated).toBe(false);
  });

  it('reports unreadable files and stops at the bound', async () => {
    const r = await walkEntries([
      dirEntry('d', [fileEntry('ok'), fileEntry('bad', 'x', true), fileEntry('z')]),
    ]);
    expect(r.files.map((f) => f.path)).toEqual(['d/ok', 'd/z']);
    expect(r.unreadable).toEqual(['d/bad']);
    const bounded = await walkEntries([dirEntry('d', [fileEntry('1'), fileEntry('2')])], 2);
    expect(bounded.truncated).toBe(true);
    expect(bounded.files.map((f) => f.path)).toEqual(['d/1']);
  });

  it('takes entries where the browser gives them, files otherwise', async () => {
    const plain = new File(['p'], 'plain.txt');
    const items = [
      {
        kind: 'file',
        webkitGetAsEntry: () => dirEntry('D', [fileEntry('x')]),
        getAsFile: () => null,
      },
      { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => plain },
      { kind: 'string', getAsFile: () => null },
    ];
    const dropped = entriesOf(items);
    expect(dropped.entries).toHaveLength(1);
    expect(dropped.files).toEqual([plain]);
    const picked = await pickedFromDrop(dropped);
    expect(picked.files.map((f) => f.path)).toEqual(['D/x', 'plain.txt']);
    expect(picked.folders).toEqual(['D']);
  });
});

describe('folders to create', () => {
  it('lists every ancestor once, parents first', () => {
    expect(
      foldersToCreate([{ path: 'a/b/c/f.txt' }, { path: 'a/x.txt' }, { path: 'top.txt' }], ['e']),
    ).toEqual(['a', 'e', 'a/b', 'a/b/c']);
  });

  it('keeps the paths of a folder picker', () => {
    const f = new File(['1'], 'one.txt');
    Object.defineProperty(f, 'webkitRelativePath', { value: 'Dossier/sous/one.txt' });
    const g = new File(['2'], 'two.txt');
    const picked = fromFileList([f, g]);
    expect(picked.files.map((x) => x.path)).toEqual(['Dossier/sous/one.txt', 'two.txt']);
    expect(picked.folders).toEqual(['Dossier', 'Dossier/sous']);
  });
});
