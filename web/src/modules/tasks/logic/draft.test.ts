import { describe, expect, it } from 'vitest';
import { changesOf, draftOf, emptyDraft, isChanged, newTaskOf, rebased } from './draft';
import { task } from './fixtures.test-util';

describe('the task form', () => {
  const base = task('a', {
    title: 'Façade',
    assignee_ids: ['u1', 'u2'],
    labels: ['urgent'],
    due: '2026-12-10T17:00:00Z',
    blocked_by: ['b'],
  });

  it('sends nothing when nothing changed (sets compared as sets)', () => {
    const d = draftOf(base);
    expect(changesOf(base, d)).toEqual({});
    expect(isChanged(base, { ...d, assignee_ids: ['u2', 'u1'] })).toBe(false);
    expect(isChanged(base, { ...d, labels: [' urgent ', 'urgent'] })).toBe(false);
    expect(isChanged(base, { ...d, title: ' Façade ' })).toBe(false);
  });

  it('sends only the fields changed', () => {
    const d = draftOf(base);
    expect(
      changesOf(base, { ...d, title: 'Façade nord ', status: 'doing', labels: ['urgent', 'nord'] }),
    ).toEqual({ title: 'Façade nord', status: 'doing', labels: ['urgent', 'nord'] });
    expect(changesOf(base, { ...d, blocked_by: [], assignee_ids: ['u1'] })).toEqual({
      blocked_by: [],
      assignee_ids: ['u1'],
    });
  });

  it('keeps a due date and time unless its day changes; clears it with null', () => {
    const d = draftOf(base);
    expect(d.due).toMatch(/^2026-12-1[01]$/);
    expect(changesOf(base, { ...d, due: '2026-12-24' })).toEqual({ due: '2026-12-24' });
    expect(changesOf(base, { ...d, due: '' })).toEqual({ due: null });
  });

  it('makes a new task of the fields given', () => {
    expect(newTaskOf({ ...emptyDraft('doing'), title: ' Toit ' })).toEqual({
      title: 'Toit',
      status: 'doing',
    });
    expect(
      newTaskOf({
        ...emptyDraft(),
        title: 'T',
        description: 'd',
        assignee_ids: ['u1'],
        due: '2026-12-10',
        labels: [' a', 'a', ''],
        blocked_by: ['b'],
      }),
    ).toEqual({
      title: 'T',
      status: 'todo',
      description: 'd',
      assignee_ids: ['u1'],
      due: '2026-12-10',
      labels: ['a'],
      blocked_by: ['b'],
    });
  });

  it('keeps the fields being edited over a newer version, and says which both changed', () => {
    const mine = { ...draftOf(base), description: 'ma description', title: 'Mon titre' };
    const current = { ...base, version: 2, title: 'Leur titre', status: 'doing' as const };
    const r = rebased(base, mine, current);
    expect(r.draft).toMatchObject({
      title: 'Mon titre',
      description: 'ma description',
      status: 'doing',
    });
    expect(r.conflicts).toEqual(['title']);
    // Saved on the new version: only what the person changed.
    expect(changesOf(current, r.draft)).toEqual({
      title: 'Mon titre',
      description: 'ma description',
    });
  });
});
