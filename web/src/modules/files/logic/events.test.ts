import { describe, expect, it } from 'vitest';
import { event, folder, node } from './fixtures.test-util';
import { applyNodeEvent, nodeEvent, touchesFolder } from './events';

const data = (name: string, extra: object = {}) => ({
  id: `id-${name}`,
  kind: 'file',
  path: `/${name}`,
  parent_id: null,
  name,
  etag: '"e2"',
  size: 42,
  mtime: '2026-11-29T10:00:00Z',
  version: 2,
  ...extra,
});

describe('live events on the folder shown', () => {
  const items = [folder('Docs'), node('a.txt')];

  it('adds what is created or restored here, once', () => {
    const once = applyNodeEvent(items, event('file.created', data('b.txt')), '');
    expect(once.map((n) => n.name)).toEqual(['Docs', 'a.txt', 'b.txt']);
    expect(applyNodeEvent(once, event('file.created', data('b.txt')), '')).toHaveLength(3);
    const elsewhere = applyNodeEvent(
      items,
      event('file.created', data('c', { parent_id: 'x' })),
      '',
    );
    expect(elsewhere).toBe(items);
  });

  it('updates a file in place (size, version, etag)', () => {
    const next = applyNodeEvent(items, event('file.updated', data('a.txt')), '');
    expect(next[1]).toMatchObject({ name: 'a.txt', size: 42, version: 2, etag: '"e2"' });
    expect(next[1]?.created_by).toBe('alice');
  });

  it('removes what leaves: deleted, purged, or moved to another folder', () => {
    expect(applyNodeEvent(items, event('file.deleted', data('a.txt')), '')).toHaveLength(1);
    expect(
      applyNodeEvent(items, event('file.moved', data('a.txt', { parent_id: 'id-Docs' })), ''),
    ).toHaveLength(1);
    const renamed = applyNodeEvent(
      items,
      event('folder.moved', { ...data('Docs2', { kind: 'folder' }), id: 'id-Docs' }),
      '',
    );
    expect(renamed.map((n) => n.name)).toEqual(['Docs2', 'a.txt']);
  });

  it('ignores other events', () => {
    expect(applyNodeEvent(items, event('share.created', { id: 's' }), '')).toBe(items);
    expect(nodeEvent(event('file.created', { id: 1 }))).toBeNull();
  });

  it('notices when the folder shown, or an ancestor, moves or goes', () => {
    const moved = event('folder.moved', {
      ...data('B', { kind: 'folder', path: '/X/B' }),
      id: 'b',
      old_path: '/A',
    });
    expect(touchesFolder(moved, 'f', '/A/sub')).toBe(true);
    expect(touchesFolder(moved, 'f', '/Other')).toBe(false);
    const self = event('folder.deleted', { ...data('F', { kind: 'folder' }), id: 'f' });
    expect(touchesFolder(self, 'f', '/F')).toBe(true);
    expect(touchesFolder(self, '', '/')).toBe(false);
  });
});
