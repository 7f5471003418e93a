// Mentions in task comments heard live, whatever the page: mounted once by
// the app shell (a lazy chunk, beside the calendar's invitation notices),
// it toasts "Alix Martin mentioned you in “plan”", which opens the task
// (its details and comments); comments open there re-read themselves on
// the same notice (CommentsStore).
import { useEvent } from '../../../events';
import type { EventFrame } from '../../../api';
import { useI18n } from '../../../i18n';
import { workspacesOpening } from '../../../notifications/notices';
import { useToast } from '../../../notifications/toasts';
import { useWorkspaces } from '../../../workspaces';
import { MENTION_NOTICE, mentionTarget, mentionText, readMention } from '../logic/notices';

export default function MentionNotices() {
  const { t } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();

  useEvent(MENTION_NOTICE, (e: EventFrame) => {
    const n = readMention(e);
    if (!n) return;
    toast({
      kind: 'mention',
      ...mentionText(n, t),
      href: mentionTarget(n, workspacesOpening(workspaces, 'tasks')),
    });
  });
  return null;
}
