// Mentions in task comments heard live, whatever the page: mounted once by
// the app shell (a lazy chunk, beside the calendar's invitation notices),
// it toasts "Alix Martin mentioned you in “plan”", which opens the task
// (its details and comments); the notification centre lists the kept ones
// the same way (describeMention, registered when this chunk loads).
// Comments open there re-read themselves on the same notice (CommentsStore).
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
import { useToast } from '../../../notifications/toasts';
import { useWorkspaces } from '../../../workspaces';
import { MENTION_NOTICE, mentionTarget, mentionText, readMention } from '../logic/notices';

/** What a mention says, and where it leads. */
export function describeMention(
  e: EventFrame,
  { t, workspaces }: NoticeContext,
): NoticeSummary | null {
  const n = readMention(e);
  if (!n) return null;
  return { ...mentionText(n, t), href: mentionTarget(n, workspacesOpening(workspaces, 'tasks')) };
}

notices.describeNotices([MENTION_NOTICE], describeMention);

export default function MentionNotices() {
  const { t, locale } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();

  useEvent(MENTION_NOTICE, (e: EventFrame) => {
    const said = describeMention(e, { t, locale, workspaces });
    if (!said) return;
    toast({ kind: 'mention', ...said, noticeId: noticeIdOf(e) });
  });
  return null;
}
