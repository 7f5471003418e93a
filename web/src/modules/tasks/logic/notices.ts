// A person's notices about tasks, heard live: mentions in comments
// (docs/tasks.md "Comments": a comment that writes `<@USER_ID>` tells that
// person, who may read the task, with `task.mentioned`; armoured workspaces
// send none, their comments are sealed), tasks someone assigns them
// ("Assigned": `task.assigned`) and their tasks falling due ("Due today":
// `task.due`). Notices with no workspace and no sequence number. Pure: what
// a notice says, and where it leads.
import type { EventFrame } from '../../../api';
import type { I18n } from '../../../i18n';
import { noticeData, str } from '../../../notifications/notices';
import { taskPath } from '../paths';
import { parseDue } from './due';

export const MENTION_NOTICE = 'task.mentioned';
export const DUE_NOTICE = 'task.due';
export const ASSIGNED_NOTICE = 'task.assigned';

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
 * Where a notice about a task leads: the task, its details open, when the
 * person opens that workspace's tasks; else the home page (its list of
 * their tasks).
 */
export function taskTarget(
  n: { workspace_id: string; task_id: string },
  opened: ReadonlySet<string>,
): string {
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

/** A task due, or assigned to the person (`by`: who assigned it). */
export interface TaskNotice {
  task_id: string;
  workspace_id: string;
  /** The task's title ("" in an armoured workspace: its card is sealed). */
  title: string;
  /** As the task has it: a date, or a date and time ("" for none). */
  due: string;
  by: { id: string; name: string };
}

/** The notice of `type` a frame is (null: another frame, or one that names no task). */
function readTaskNotice(e: EventFrame, type: string): TaskNotice | null {
  const d = noticeData(e, [type]);
  if (!d) return null;
  const task_id = str(d.task_id);
  const workspace_id = str(d.workspace_id);
  if (!task_id || !workspace_id) return null;
  const by = d.by && typeof d.by === 'object' ? (d.by as Record<string, unknown>) : {};
  return {
    task_id,
    workspace_id,
    title: str(d.title),
    due: str(d.due),
    by: { id: str(by.id), name: str(by.name) },
  };
}

export const readDue = (e: EventFrame) => readTaskNotice(e, DUE_NOTICE);
export const readAssigned = (e: EventFrame) => readTaskNotice(e, ASSIGNED_NOTICE);

/** What a toast says of a task assigned: "Alix Martin assigned you “plan”". */
export function assignedText(n: TaskNotice, t: I18n['t']): { title: string } {
  const name = n.by.name.trim() || t('tasks.notice.someone');
  const title = n.title.trim();
  return {
    title: title
      ? t('tasks.notice.assigned', { name, title })
      : t('tasks.notice.assigned_untitled', { name }),
  };
}

/** What a toast says of a task due: "“plan” is due today", at what time when it has one. */
export function dueText(
  n: TaskNotice,
  t: I18n['t'],
  locale: string,
): { title: string; body?: string } {
  const title = n.title.trim();
  const due = parseDue(n.due);
  return {
    title: title ? t('tasks.notice.due', { title }) : t('tasks.notice.due_untitled'),
    ...(due?.kind === 'time'
      ? {
          body: t('tasks.notice.due_at', {
            time: due.at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
          }),
        }
      : {}),
  };
}
