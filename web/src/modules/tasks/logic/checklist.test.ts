// A checklist as shown while changes wait for the server's answer, the
// task once it answered, positions between neighbours, and a new task's
// lines.
import { describe, expect, it } from 'vitest';
import type { ChecklistItem } from '../../../api';
import { dropPosition, spacedOut } from './board';
import {
  MAX_CHECKLIST_ITEMS,
  changedItem,
  checklistLines,
  endPosition,
  isPendingItem,
  pendingId,
  progressOf,
  settledOps,
  shownChecklist,
  withChecklistChange,
  withOps,
  type PendingOp,
} from './checklist';
import { task } from './fixtures.test-util';

function item(id: string, position: number, extra: Partial<ChecklistItem> = {}): ChecklistItem {
  return { id, text: `Item ${id}`, done: false, position, done_by: null, done_at: null, ...extra };
}

const AT = '2026-12-01T09:00:00.000Z';
const ids = (list: readonly ChecklistItem[]) => list.map((x) => x.id);

describe('the checklist as shown', () => {
  const items = [item('a', 1024), item('b', 2048), item('c', 3072)];

  it('is the server’s list when nothing waits', () => {
    expect(shownChecklist(items)).toBe(items);
    expect(shownChecklist(items, [])).toBe(items);
  });

  it('shows each change waiting, in order: ticks, new texts, moves, additions, deletions', () => {
    const ops: PendingOp[] = [
      { seq: 1, kind: 'change', id: 'a', change: { done: true }, by: 'me', at: AT },
      { seq: 2, kind: 'change', id: 'c', change: { position: 1536 }, by: 'me', at: AT },
      { seq: 3, kind: 'add', item: item(pendingId(3), 4096, { text: 'Nouveau' }), known: [] },
      { seq: 4, kind: 'remove', id: 'b' },
      { seq: 5, kind: 'change', id: 'a', change: { text: 'Vis' }, by: 'me', at: AT },
    ];
    const shown = shownChecklist(items, ops);
    expect(ids(shown)).toEqual(['a', 'c', 'pending:3']);
    expect(shown[0]).toMatchObject({ text: 'Vis', done: true, done_by: 'me', done_at: AT });
    expect(isPendingItem(shown[2] as ChecklistItem)).toBe(true);
    // The server's list is left as it was.
    expect(ids(items)).toEqual(['a', 'b', 'c']);
  });

  it('shows an item added here until the server’s list has it (its event before the answer)', () => {
    const op: PendingOp = {
      seq: 1,
      kind: 'add',
      item: item(pendingId(1), 4096, { text: 'Vis' }),
      known: ['a', 'b', 'c'],
    };
    expect(ids(shownChecklist(items, [op]))).toEqual(['a', 'b', 'c', 'pending:1']);
    // An item of that text already there before does not count.
    const same = [...items.slice(0, 2), item('c', 3072, { text: 'Vis' })];
    expect(ids(shownChecklist(same, [op]))).toEqual(['a', 'b', 'c', 'pending:1']);
    const landed = [...items, item('real', 4096, { text: 'Vis' })];
    expect(ids(shownChecklist(landed, [op]))).toEqual(['a', 'b', 'c', 'real']);
  });

  it('records who ticked an item and when; unticked, nobody', () => {
    const done = changedItem(item('a', 1), { done: true }, 'bob', AT);
    expect(done).toMatchObject({ done: true, done_by: 'bob', done_at: AT });
    expect(changedItem(done, { done: false }, 'me', AT)).toMatchObject({
      done: false,
      done_by: null,
      done_at: null,
    });
    // A new text leaves who ticked it alone.
    expect(changedItem(done, { text: 'x' }, 'me', 'later')).toMatchObject({ done_by: 'bob' });
  });

  it('counts what is done, and where an item added goes', () => {
    expect(progressOf([item('a', 1, { done: true }), item('b', 2)])).toEqual({ done: 1, total: 2 });
    expect(progressOf([])).toEqual({ done: 0, total: 0 });
    expect(endPosition(items)).toBe(4096);
    expect(endPosition([])).toBe(1024);
  });
});

describe('moving an item between its neighbours, as the board does', () => {
  const items = [item('a', 1024), item('b', 2048), item('c', 3072)];

  it('takes the midpoint, or a step beyond either end', () => {
    expect(dropPosition(items, 'c', { before: 'b' })).toBe(1536);
    expect(dropPosition(items, 'a', { after: 'b' })).toBe(2560);
    expect(dropPosition(items, 'c', { before: 'a' })).toBe(0);
    expect(dropPosition(items, 'a', { after: 'c' })).toBe(4096);
  });

  it('says when there is no room, and spaces the list out', () => {
    const tight = [item('a', 1), item('b', 1 + Number.EPSILON), item('c', 3)];
    expect(dropPosition(tight, 'c', { before: 'b' })).toBeNull();
    expect(spacedOut(tight.filter((x) => x.id !== 'c'))).toEqual([
      { id: 'a', position: 1024 },
      { id: 'b', position: 2048 },
    ]);
  });
});

describe('the task once the server answered', () => {
  const t = task('t', { version: 4, checklist: [item('a', 1024), item('b', 2048)] });

  it('takes the item as answered (added or changed) at the new version', () => {
    const added = withChecklistChange(t, 5, { item: item('n', 3072) });
    expect(added.version).toBe(5);
    expect(ids(added.checklist)).toEqual(['a', 'b', 'n']);
    const moved = withChecklistChange(t, 5, { item: item('b', 512, { text: 'B' }) });
    expect(ids(moved.checklist)).toEqual(['b', 'a']);
    expect(moved.checklist[0]?.text).toBe('B');
    const removed = withChecklistChange(t, 5, { removed: 'a' });
    expect(ids(removed.checklist)).toEqual(['b']);
    expect(ids(t.checklist)).toEqual(['a', 'b']);
  });

  it('drops the changes the board holds at last, keeping the others', () => {
    const answered: PendingOp = { seq: 1, kind: 'remove', id: 'a', until: 5 };
    const later: PendingOp = { seq: 2, kind: 'remove', id: 'b', until: 6 };
    const waiting: PendingOp = { seq: 3, kind: 'remove', id: 'c' };
    const pending = withOps(withOps({}, 't', [answered, later, waiting]), 'u', [answered]);
    const versions: Record<string, number> = { t: 5, u: 4 };
    const left = settledOps(pending, (id) => versions[id] ?? null);
    expect(left).toEqual({ t: [later, waiting], u: [answered] });
    // Only task u, held at 6: all its changes are in.
    expect(settledOps(pending, () => 6, 'u')).toEqual({ t: [answered, later, waiting] });
    // Nothing settled: the same object (nothing to re-render).
    expect(settledOps(pending, () => 1)).toBe(pending);
    expect(settledOps(pending, () => null)).toBe(pending);
  });
});

describe('a new task’s checklist, one item per line', () => {
  it('trims, leaves blank lines out, and keeps 100 at most', () => {
    expect(checklistLines(' Vis \r\n\n  \nÉcrous\n')).toEqual([
      { text: 'Vis' },
      { text: 'Écrous' },
    ]);
    expect(checklistLines('')).toEqual([]);
    const many = Array.from({ length: 120 }, (_, i) => `l${i}`).join('\n');
    expect(checklistLines(many)).toHaveLength(MAX_CHECKLIST_ITEMS);
  });
});
