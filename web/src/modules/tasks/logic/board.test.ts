import { describe, expect, it } from 'vitest';
import {
  EMPTY_BOARD,
  boardOf,
  cleanLabels,
  dropPosition,
  filtered,
  isBlocked,
  labelsOf,
  moved,
  spacedOut,
  staysPut,
  unfinishedBlockers,
  waitingFor,
  withTask,
  withoutTask,
} from './board';
import { task } from './fixtures.test-util';

const ids = (list: readonly { id: string }[]) => list.map((t) => t.id);

describe('the board', () => {
  it('sorts each column by position, then age, then id', () => {
    const b = boardOf([
      task('c', { position: 2048 }),
      task('a', { position: 1024, created_at: '2026-11-02T00:00:00Z' }),
      task('b', { position: 1024 }),
      task('d', { status: 'done', position: -5 }),
    ]);
    expect(ids(b.columns.todo)).toEqual(['b', 'a', 'c']);
    expect(ids(b.columns.done)).toEqual(['d']);
    expect(b.columns.doing).toEqual([]);
  });

  it('keeps the newest version of a task: older or repeated ones change nothing', () => {
    let b = withTask(EMPTY_BOARD, task('a', { version: 3, title: 'trois' }));
    const same = withTask(b, task('a', { version: 3, title: 'encore' }));
    expect(same).toBe(b);
    expect(withTask(b, task('a', { version: 2, title: 'deux' }))).toBe(b);
    b = withTask(b, task('a', { version: 4, status: 'doing', title: 'quatre' }));
    expect(b.byId.a?.title).toBe('quatre');
    expect(ids(b.columns.todo)).toEqual([]);
    expect(ids(b.columns.doing)).toEqual(['a']);
    // A move taken back is forced in, at its older version.
    b = withTask(b, task('a', { version: 3, title: 'trois' }), true);
    expect(b.byId.a?.title).toBe('trois');
    expect(ids(b.columns.todo)).toEqual(['a']);
  });

  it('inserts a task at its place in its column, and takes it out', () => {
    let b = boardOf([task('a', { position: 0 }), task('c', { position: 10 })]);
    b = withTask(b, task('b', { position: 5 }));
    expect(ids(b.columns.todo)).toEqual(['a', 'b', 'c']);
    b = withTask(b, task('c', { position: -1, version: 2 }));
    expect(ids(b.columns.todo)).toEqual(['c', 'a', 'b']);
    b = withoutTask(b, 'a');
    expect(ids(b.columns.todo)).toEqual(['c', 'b']);
    expect(b.byId.a).toBeUndefined();
    expect(withoutTask(b, 'nope')).toBe(b);
  });
});

describe('drop positions', () => {
  const column = [
    task('a', { position: 1000 }),
    task('b', { position: 2000 }),
    task('c', { position: 3000 }),
  ];

  it('puts a task midway between its neighbours', () => {
    expect(dropPosition(column, 'x', { before: 'b' })).toBe(1500);
    expect(dropPosition(column, 'x', { after: 'b' })).toBe(2500);
  });

  it('puts it 1024 before the first, or 1024 after the last', () => {
    expect(dropPosition(column, 'x', { before: 'a' })).toBe(1000 - 1024);
    expect(dropPosition(column, 'x', {})).toBe(3000 + 1024);
    expect(dropPosition(column, 'x', { after: 'c' })).toBe(3000 + 1024);
    expect(dropPosition([], 'x', {})).toBe(1024);
  });

  it('leaves the moving task out of its own neighbours (moving within its column)', () => {
    // a moved down one: after b, before c.
    expect(dropPosition(column, 'a', { after: 'b' })).toBe(2500);
    // c moved up one: before b.
    expect(dropPosition(column, 'c', { before: 'b' })).toBe(1500);
    // Alone in its column.
    expect(dropPosition([task('a', { position: 7 })], 'a', {})).toBe(1024);
  });

  it('knows a task dropped where it is', () => {
    expect(staysPut(column, 'b', { before: 'c' })).toBe(true);
    expect(staysPut(column, 'b', { after: 'a' })).toBe(true);
    expect(staysPut(column, 'b', { before: 'b' })).toBe(false);
    expect(staysPut(column, 'b', { before: 'a' })).toBe(false);
    expect(staysPut(column, 'c', {})).toBe(true);
    expect(staysPut(column, 'x', {})).toBe(false);
  });

  it('says when there is no room left, and how to space the column out', () => {
    const tight = [task('a', { position: 1 }), task('b', { position: 1 + Number.EPSILON })];
    expect(dropPosition(tight, 'x', { before: 'b' })).toBeNull();
    expect(spacedOut(tight)).toEqual([
      { id: 'a', position: 1024 },
      { id: 'b', position: 2048 },
    ]);
    expect(spacedOut([task('a', { position: 1024 })])).toEqual([]);
  });

  it('moves a task with its completion time', () => {
    const t = task('a');
    const done = moved(t, 'done', 5, '2026-12-01T00:00:00Z');
    expect(done).toMatchObject({
      status: 'done',
      position: 5,
      completed_at: '2026-12-01T00:00:00Z',
    });
    expect(moved(done, 'done', 6, 'later').completed_at).toBe('2026-12-01T00:00:00Z');
    expect(moved(done, 'todo', 6, 'later').completed_at).toBeNull();
  });
});

describe('dependencies', () => {
  it('knows what a task waits for from the board, else from the server', () => {
    const b = boardOf([
      task('a', { status: 'doing' }),
      task('b', { status: 'done' }),
      task('w', { blocked_by: ['a', 'b'], blocked: true }),
      task('v', { blocked_by: ['b'] }),
      task('u', { blocked_by: ['unknown'], blocked: true }),
    ]);
    const w = b.byId.w;
    if (!w) throw new Error('w');
    expect(ids(unfinishedBlockers(b, w))).toEqual(['a']);
    expect(isBlocked(b, w)).toBe(true);
    expect(isBlocked(withTask(b, { ...(b.byId.a ?? w), status: 'done', version: 2 }), w)).toBe(
      false,
    );
    expect(isBlocked(b, b.byId.v ?? w)).toBe(false);
    expect(isBlocked(b, b.byId.u ?? w)).toBe(true);
  });

  it('finds the tasks that wait for one, through others (a cycle otherwise)', () => {
    const b = boardOf([
      task('a'),
      task('b', { blocked_by: ['a'] }),
      task('c', { blocked_by: ['b'] }),
      task('d', { blocked_by: ['c', 'a'] }),
      task('e'),
    ]);
    expect([...waitingFor(b, 'a')].sort()).toEqual(['b', 'c', 'd']);
    expect([...waitingFor(b, 'c')]).toEqual(['d']);
    expect(waitingFor(b, 'e').size).toBe(0);
  });
});

describe('filters and labels', () => {
  const column = [
    task('a', { title: 'Réparer la façade', labels: ['urgent'], assignee_ids: ['me'] }),
    task('b', { title: 'Commander les tuiles', labels: ['achats', 'urgent'] }),
    task('c', { title: 'Facture', assignee_ids: ['other'] }),
  ];
  const f = { assignee: null, label: null, text: '' };

  it('keeps everything without a filter (the same list)', () => {
    expect(filtered(column, f)).toBe(column);
  });

  it('filters by assignee, label and words of the title, accents and case ignored', () => {
    expect(ids(filtered(column, { ...f, assignee: 'me' }))).toEqual(['a']);
    expect(ids(filtered(column, { ...f, label: 'urgent' }))).toEqual(['a', 'b']);
    expect(ids(filtered(column, { ...f, text: 'FACADE' }))).toEqual(['a']);
    expect(ids(filtered(column, { ...f, text: 'fa' }))).toEqual(['a', 'c']);
    expect(ids(filtered(column, { ...f, text: 'la  réparer' }))).toEqual(['a']);
    expect(ids(filtered(column, { assignee: 'me', label: 'achats', text: '' }))).toEqual([]);
  });

  it('lists the labels of the board, and cleans typed ones', () => {
    expect(labelsOf(boardOf(column), 'fr')).toEqual(['achats', 'urgent']);
    expect(cleanLabels([' urgent ', '', 'urgent', 'client'])).toEqual(['urgent', 'client']);
  });
});
