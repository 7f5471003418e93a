// Invitations heard live, whatever the page: mounted once by the app shell
// (a lazy chunk, next to the ringing panel), it toasts each notice to this
// person — "Alice Martin invited you to “Revue”" with its date and time,
// which opens the event (its calendar when the person opens it, else the
// home page and its agenda); "“Revue” was cancelled or you were removed",
// quieter, leading nowhere; "Jules Marty accepted “Revue”" to the
// organizer. The views re-read themselves on the same notices (the
// calendar's store, the agenda, an open event's details).
import { useEvent } from '../../../events';
import type { EventFrame } from '../../../api';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useWorkspaces } from '../../../workspaces';
import { calendarsOpened, noticeTarget, noticeText, readNotice } from '../logic/notices';

export default function InvitationNotices() {
  const { t, locale } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();

  const onNotice = (e: EventFrame) => {
    const n = readNotice(e);
    if (!n) return;
    const { title, body } = noticeText(n, t, locale);
    if (n.type === 'calendar.invitation_cancelled') {
      toast({ kind: 'info', title, body });
      return;
    }
    toast({
      kind: n.type === 'calendar.invited' ? 'mention' : 'info',
      title,
      body,
      href: noticeTarget(n, calendarsOpened(workspaces)),
    });
  };
  // Workspace events of the calendar come this way too: readNotice leaves them.
  useEvent('calendar.*', onNotice);
  return null;
}
