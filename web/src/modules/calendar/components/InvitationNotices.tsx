// Invitations heard live, whatever the page: mounted once by the app shell
// (a lazy chunk, next to the ringing panel), it toasts each notice to this
// person — "Alice Martin invited you to “Revue”" with its date and time,
// which opens the event (its calendar when the person opens it, else the
// home page and its agenda); "“Revue” was cancelled or you were removed",
// quieter, leading nowhere; "Alice Martin changed “Revue”" (or moved,
// changed or cancelled one occurrence of it — moved, with when it now is
// and opening that day), quieter, which opens it; "Jules Marty accepted
// “Revue”" to the organizer; "Reminder: “Revue”" with its time, which
// opens it. An armoured workspace's event, whose title and times only its
// card holds, says what its card says when this tab
// opened it (a calendar shown: opened.ts), else goes by its
// workspace: "Alice Martin invited you to an event in “Coffre”", which
// opens that calendar at the event. The notification centre lists the kept ones
// the same way (describeInvitation, registered when this chunk loads). The
// views re-read themselves on the same notices (the calendar's store, the
// agenda, an open event's details).
import { useEvent } from '../../../events';
import type { EventFrame } from '../../../api';
import { useI18n } from '../../../i18n';
import {
  noticeIdOf,
  notices,
  type NoticeContext,
  type NoticeSummary,
} from '../../../notifications/centre';
import { desktopNotice } from '../../../notifications/live';
import { useToast } from '../../../notifications/toasts';
import { navigate } from '../../../router/router';
import { useWorkspaces } from '../../../workspaces';
import {
  calendarsOpened,
  NOTICE_TYPES,
  noticeTarget,
  noticeText,
  readNotice,
} from '../logic/notices';
import { openedFacts } from '../opened';

/** What an invitation notice says, and where it leads (a cancellation: nowhere). */
export function describeInvitation(
  e: EventFrame,
  { t, locale, workspaces }: NoticeContext,
): NoticeSummary | null {
  const n = readNotice(e);
  if (!n) return null;
  const text = noticeText(n, t, locale, workspaces, openedFacts);
  if (n.type === 'calendar.invitation_cancelled') return text;
  return { ...text, href: noticeTarget(n, calendarsOpened(workspaces)) };
}

notices.describeNotices(NOTICE_TYPES, describeInvitation);

export default function InvitationNotices() {
  const { t, locale } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();

  const onNotice = (e: EventFrame) => {
    const said = describeInvitation(e, { t, locale, workspaces });
    if (!said) return;
    const reminder = e.type === 'calendar.reminder';
    toast({
      kind: e.type === 'calendar.invited' || reminder ? 'mention' : 'info',
      ...said,
      noticeId: noticeIdOf(e),
    });
    // A reminder is for now: the system shows it when the tab is hidden.
    if (reminder) {
      const { href } = said;
      desktopNotice(said.title, {
        body: said.body,
        tag: `ruche-reminder-${noticeIdOf(e) ?? ''}`,
        onClick: href ? () => navigate(href) : undefined,
      });
    }
  };
  // Workspace events of the calendar come this way too: readNotice leaves them.
  useEvent('calendar.*', onNotice);
  return null;
}
