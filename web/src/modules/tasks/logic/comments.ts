// A task's comments as its pane lists them: oldest first, each once (an
// answer and the event that repeats it are one), read page after page.
// Pure functions, unit-tested.
import type { EventFrame, TaskComment } from '../../../api';

/** Oldest first: by creation time, then id (every browser agrees). */
export function byAge(a: TaskComment, b: TaskComment): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `b` is not older than `a` (a late event of an earlier edit does not undo a later one). */
function notOlder(a: TaskComment, b: TaskComment): boolean {
  return !a.edited_at || (!!b.edited_at && b.edited_at >= a.edited_at);
}

/** The list with `incoming` in it (new ones added, newer versions replacing), oldest first. */
export function mergeComments(
  list: readonly TaskComment[],
  incoming: readonly TaskComment[],
): readonly TaskComment[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((c) => [c.id, c]));
  let changed = false;
  for (const c of incoming) {
    const held = byId.get(c.id);
    if (held && (held === c || !notOlder(held, c))) continue;
    byId.set(c.id, c);
    changed = true;
  }
  return changed ? [...byId.values()].sort(byAge) : list;
}

export function withoutComment(list: readonly TaskComment[], id: string): readonly TaskComment[] {
  return list.some((c) => c.id === id) ? list.filter((c) => c.id !== id) : list;
}

/**
 * The comments read page after page (up to the last one read, `cursor`),
 * and those heard of since that come after a gap not read yet: "Load more"
 * goes between them. Once every page is read there is no gap.
 */
export function splitAtCursor(
  list: readonly TaskComment[],
  cursor: string | null,
  complete: boolean,
): { read: readonly TaskComment[]; later: readonly TaskComment[] } {
  if (complete) return { read: list, later: [] };
  const at = cursor === null ? -1 : list.findIndex((c) => c.id === cursor);
  return { read: list.slice(0, at + 1), later: list.slice(at + 1) };
}

/** Where paging resumes once comment `id`, the last read, is deleted: the one before it (null: the start). */
export function cursorBefore(list: readonly TaskComment[], id: string): string | null {
  const i = list.findIndex((c) => c.id === id);
  return i > 0 ? (list[i - 1]?.id ?? null) : null;
}

function isComment(v: unknown): v is TaskComment {
  const c = v as Partial<TaskComment> | null;
  return (
    !!c &&
    typeof c.id === 'string' &&
    typeof c.task_id === 'string' &&
    typeof c.author_id === 'string' &&
    typeof c.body === 'string' &&
    typeof c.created_at === 'string'
  );
}

/** What a comment event says: a comment (new or edited), or one deleted; null for anything else. */
export type CommentEvent =
  | { kind: 'upsert'; comment: TaskComment; created: boolean }
  | { kind: 'delete'; id: string; task_id: string };

export function commentEventOf(e: EventFrame): CommentEvent | null {
  const d = e.data as Record<string, unknown> | undefined;
  if (e.type === 'task.comment_created' || e.type === 'task.comment_updated') {
    if (!isComment(d)) return null;
    const comment: TaskComment = {
      id: d.id,
      task_id: d.task_id,
      author_id: d.author_id,
      body: d.body,
      created_at: d.created_at,
      edited_at: typeof d.edited_at === 'string' ? d.edited_at : null,
    };
    return { kind: 'upsert', comment, created: e.type === 'task.comment_created' };
  }
  if (e.type === 'task.comment_deleted') {
    if (typeof d?.id !== 'string' || typeof d.task_id !== 'string') return null;
    return { kind: 'delete', id: d.id, task_id: d.task_id };
  }
  return null;
}
