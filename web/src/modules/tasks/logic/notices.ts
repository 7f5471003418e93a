// Mentions in task comments heard live (docs/tasks.md "Comments"): a
// comment that writes `<@USER_ID>` tells that person, who may read the
// task, with `task.mentioned` — a notice with no workspace and no sequence
// number (armoured workspaces send none: their comments are sealed). Pure:
// what a notice says, and where it leads.
import type { EventFrame } from '../../../api';
import type { I18n } from '../../../i18n';
import { noticeData, str } from '../../../notifications/notices';
import { taskPath } from '../paths';

export const MENTION_NOTICE = 'task.mentioned';

export interface MentionNotice {
  task_id: string;
  workspace_id: string;
  /** The task's title. */
  title: string;
  comment_id: string;
  author: { id: string; name: string };
}

/** The mention a frame is (null: another frame, or one that names no task). */
export function readMention(e: EventFrame): MentionNotice | null {
  const d = noticeData(e, [MENTION_NOTICE]);
  if (!d) return null;
  const task_id = str(d.task_id);
  const workspace_id = str(d.workspace_id);
  if (!task_id || !workspace_id) return null;
  const a = d.author && typeof d.author === 'object' ? (d.author as Record<string, unknown>) : {};
  return {
    task_id,
    workspace_id,
    title: str(d.title),
    comment_id: str(d.comment_id),
    author: { id: str(a.id), name: str(a.name) },
  };
}

/**
 * Where a mention leads: the task, its details open, when the person opens
 * that workspace's tasks; else the home page (its list of their tasks).
 */
export function mentionTarget(n: MentionNotice, opened: ReadonlySet<string>): string {
  return opened.has(n.workspace_id) ? taskPath(n.workspace_id, n.task_id) : '/';
}

/** What a toast says of a mention. */
export function mentionText(n: MentionNotice, t: I18n['t']): { title: string } {
  const name = n.author.name.trim() || t('tasks.notice.someone');
  const title = n.title.trim();
  return {
    title: title
      ? t('tasks.notice.mentioned', { name, title })
      : t('tasks.notice.mentioned_untitled', { name }),
  };
}
