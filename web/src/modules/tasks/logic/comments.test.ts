// A task's comments: each once, oldest first, a late event not undoing a
// later edit, where "Load more" goes, and what an event says.
import { describe, expect, it } from 'vitest';
import type { TaskComment } from '../../../api';
import {
  byAge,
  commentEventOf,
  cursorBefore,
  mergeComments,
  splitAtCursor,
  withoutComment,
} from './comments';
import { comment, taskEvent } from './fixtures.test-util';

const ids = (list: readonly TaskComment[]) => list.map((c) => c.id);

describe('merging comments', () => {
  it('keeps each once, oldest first (then by id)', () => {
    const list = mergeComments(
      [comment('b', 2)],
      [comment('c', 1), comment('a', 2), comment('b', 2)],
    );
    expect(ids(list)).toEqual(['c', 'a', 'b']);
    expect([comment('x', 1), comment('y', 1)].sort(byAge).map((c) => c.id)).toEqual(['x', 'y']);
  });

  it('returns the same list when nothing is new', () => {
    const list = [comment('a', 1)];
    expect(mergeComments(list, [])).toBe(list);
    expect(mergeComments(list, list)).toBe(list);
  });

  it('takes an edit, but not an older one arriving late', () => {
    const first = comment('a', 1, { body: 'v1' });
    const edited = comment('a', 1, { body: 'v2', edited_at: '2026-12-01T10:00:00.000Z' });
    const older = comment('a', 1, { body: 'v1.5', edited_at: '2026-12-01T09:30:00.000Z' });
    const list = mergeComments([first], [edited]);
    expect(list[0]?.body).toBe('v2');
    expect(mergeComments(list, [older])).toBe(list);
    expect(mergeComments(list, [first])).toBe(list);
  });

  it('takes one out', () => {
    const list = [comment('a', 1), comment('b', 2)];
    expect(ids(withoutComment(list, 'a'))).toEqual(['b']);
    expect(withoutComment(list, 'zz')).toBe(list);
  });
});

describe('paging', () => {
  const list = [comment('a', 1), comment('b', 2), comment('new', 9)];

  it('puts "Load more" after the last comment read, before those heard of since', () => {
    expect(splitAtCursor(list, 'b', false)).toEqual({ read: list.slice(0, 2), later: [list[2]] });
    expect(splitAtCursor(list, null, false)).toEqual({ read: [], later: list });
    expect(splitAtCursor(list, 'b', true)).toEqual({ read: list, later: [] });
  });

  it('resumes before the last comment read when it is deleted', () => {
    expect(cursorBefore(list, 'b')).toBe('a');
    expect(cursorBefore(list, 'a')).toBeNull();
  });
});

describe('comment events', () => {
  it('reads a comment written or edited, with its task’s count', () => {
    const c = comment('a', 1);
    expect(commentEventOf(taskEvent('task.comment_created', { ...c, comment_count: 3 }))).toEqual({
      kind: 'upsert',
      comment: c,
      created: true,
    });
    expect(
      commentEventOf(taskEvent('task.comment_updated', { ...c, edited_at: 'x', comment_count: 3 })),
    ).toMatchObject({ kind: 'upsert', comment: { edited_at: 'x' }, created: false });
  });

  it('reads a deletion, and nothing from a malformed event or another type', () => {
    expect(
      commentEventOf(
        taskEvent('task.comment_deleted', { id: 'a', task_id: 't', comment_count: 0 }),
      ),
    ).toEqual({ kind: 'delete', id: 'a', task_id: 't' });
    expect(commentEventOf(taskEvent('task.comment_created', { id: 'a' }))).toBeNull();
    expect(commentEventOf(taskEvent('task.comment_deleted', { id: 'a' }))).toBeNull();
    expect(commentEventOf(taskEvent('task.updated', comment('a', 1)))).toBeNull();
  });
});
