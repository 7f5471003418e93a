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

  it('dates the folders above a change with the time of the event', () => {
    const at = '2026-12-01T08:00:00.000Z';
    const deep = {
      ...event('file.created', data('x.txt', { path: '/Docs/sub/x.txt', parent_id: 'id-sub' })),
      at,
    };
    const next = applyNodeEvent(items, deep, '');
    expect(next.map((n) => n.name)).toEqual(['Docs', 'a.txt']);
    expect(next[0]?.mtime).toBe(at);
    expect(next[1]).toBe(items[1]);
    // Where a moved node was counts too; an older event dates nothing.
    const away = {
      ...event(
        'file.moved',
        data('y.txt', { path: '/Elsewhere/y.txt', old_path: '/Docs/y.txt', parent_id: 'z' }),
      ),
      at,
    };
    expect(applyNodeEvent(items, away, '')[0]?.mtime).toBe(at);
    const old = { ...deep, at: '2020-01-01T00:00:00Z' };
    expect(applyNodeEvent(items, old, '')).toBe(items);
    // A folder is not its own ancestor; an event without a time dates nothing.
    const itself = { ...event('folder.updated', { ...data('Docs', { kind: 'folder' }) }), at };
    expect(applyNodeEvent(items, itself, '')[0]?.mtime).not.toBe(at);
    expect(applyNodeEvent(items, { ...deep, at: undefined }, '')).toBe(items);
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
