// A person's notices about tasks heard live, whatever the page: mounted once
// by the app shell (a lazy chunk, beside the calendar's invitation notices),
// it toasts "Alix Martin mentioned you in “plan”", "Alix Martin assigned
// you “plan”" and "“plan” is due today", each opening the task (its details
// and comments); the notification centre lists the kept ones the same way
// (describeMention, describeAssigned, describeDue, registered when this
// chunk loads). A task due is for now: the
// system shows it too while the tab is hidden. Comments open there re-read
// themselves on a mention (CommentsStore).
import { useEvent } from '../../../events';
import type { EventFrame } from '../../../api';
import { useI18n } from '../../../i18n';
import {
  noticeIdOf,
  notices,
  type NoticeContext,
  type NoticeSummary,
} from '../../../notifications/centre';
import { workspacesOpening } from '../../../notifications/notices';
import { desktopNotice } from '../../../notifications/live';
import { useToast } from '../../../notifications/toasts';
import { navigate } from '../../../router/router';
import { useWorkspaces } from '../../../workspaces';
import {
  ASSIGNED_NOTICE,
  assignedText,
  DUE_NOTICE,
  dueText,
  MENTION_NOTICE,
  mentionText,
  readAssigned,
  readDue,
  readMention,
  taskTarget,
} from '../logic/notices';

/** What a mention says, and where it leads. */
export function describeMention(
  e: EventFrame,
  { t, workspaces }: NoticeContext,
): NoticeSummary | null {
  const n = readMention(e);
  if (!n) return null;
  return { ...mentionText(n, t), href: taskTarget(n, workspacesOpening(workspaces, 'tasks')) };
}

notices.describeNotices([MENTION_NOTICE], describeMention);

/** What a task due says, and where it leads. */
export function describeDue(
  e: EventFrame,
  { t, locale, workspaces }: NoticeContext,
): NoticeSummary | null {
  const n = readDue(e);
  if (!n) return null;
  return { ...dueText(n, t, locale), href: taskTarget(n, workspacesOpening(workspaces, 'tasks')) };
}

notices.describeNotices([DUE_NOTICE], describeDue);

/** What a task assigned says, and where it leads. */
export function describeAssigned(
  e: EventFrame,
  { t, workspaces }: NoticeContext,
): NoticeSummary | null {
  const n = readAssigned(e);
  if (!n) return null;
  return { ...assignedText(n, t), href: taskTarget(n, workspacesOpening(workspaces, 'tasks')) };
}

notices.describeNotices([ASSIGNED_NOTICE], describeAssigned);

export default function TaskNotices() {
  const { t, locale } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();

  useEvent(MENTION_NOTICE, (e: EventFrame) => {
    const said = describeMention(e, { t, locale, workspaces });
    if (!said) return;
    toast({ kind: 'mention', ...said, noticeId: noticeIdOf(e) });
  });
  useEvent(ASSIGNED_NOTICE, (e: EventFrame) => {
    const said = describeAssigned(e, { t, locale, workspaces });
    if (!said) return;
    toast({ kind: 'mention', ...said, noticeId: noticeIdOf(e) });
  });
  useEvent(DUE_NOTICE, (e: EventFrame) => {
    const said = describeDue(e, { t, locale, workspaces });
    if (!said) return;
    toast({ kind: 'info', ...said, noticeId: noticeIdOf(e) });
    const { href } = said;
    desktopNotice(said.title, {
      body: said.body,
      tag: `ruche-due-${noticeIdOf(e) ?? ''}`,
      onClick: href ? () => navigate(href) : undefined,
    });
  });
  return null;
}
