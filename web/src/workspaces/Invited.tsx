// Invitations to a workspace for someone who has an account: told live
// (a `workspace.invited` notice, toasted and kept in the notification
// centre, leading home) and listed on the home page, where one click joins
// or declines — no link to find in a mail, none needed where the instance
// sends no mail (docs/api.md "Invitations").
import { useCallback, useEffect, useState } from 'react';
import { api, type EventFrame, type MyInvitation } from '../api';
import { Button } from '../components/Button';
import { Tag } from '../components/Feedback';
import { useEvent } from '../events';
import { useI18n, type I18n } from '../i18n';
import { Section } from '../layout/Page';
import {
  noticeIdOf,
  notices,
  type NoticeContext,
  type NoticeSummary,
} from '../notifications/centre';
import { str } from '../notifications/notices';
import { useToast } from '../notifications/toasts';
import { navigate } from '../router/router';
import { useErrorText } from '../util/errors';
import { useWorkspaces } from './index';

export const INVITED_NOTICE = 'workspace.invited';

function invitedText(t: I18n['t'], inviter: string, workspace: string): string {
  return inviter ? t('invited.by', { inviter, workspace }) : t('invited.anonymous', { workspace });
}

/** What the notice says; it leads home, where the invitation is listed. */
export function describeInvited(e: EventFrame, { t }: NoticeContext): NoticeSummary | null {
  const workspace = str(e.data?.workspace_name);
  if (!workspace) return null;
  return { title: invitedText(t, str(e.data?.inviter_name), workspace), href: '/' };
}

notices.describeNotices([INVITED_NOTICE], describeInvited);

/** Mounted once by the app shell: toasts the notice whatever the page. */
export function InvitedNotices() {
  const { t, locale } = useI18n();
  const { toast } = useToast();
  const { workspaces } = useWorkspaces();
  useEvent(INVITED_NOTICE, (e: EventFrame) => {
    const said = describeInvited(e, { t, locale, workspaces });
    if (said) toast({ kind: 'mention', ...said, noticeId: noticeIdOf(e) });
  });
  return null;
}

/** The home page's list of pending invitations (nothing when there are none). */
export function MyInvitations() {
  const { t, date } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const { reload: reloadWorkspaces } = useWorkspaces();
  const [list, setList] = useState<readonly MyInvitation[]>([]);
  // The invitation being answered (one at a time).
  const [answering, setAnswering] = useState<{ id: string; join: boolean } | null>(null);
  const read = useCallback(() => {
    api.me.invitations().then(setList, () => setList([]));
  }, []);
  useEffect(read, [read]);
  useEvent(INVITED_NOTICE, read);
  useEvent('hello', read);

  const answer = async (inv: MyInvitation, join: boolean) => {
    setAnswering({ id: inv.id, join });
    try {
      if (join) {
        const r = await api.me.acceptInvitation(inv.id);
        await reloadWorkspaces();
        navigate(`/w/${r.workspace_id}`);
      } else {
        await api.me.declineInvitation(inv.id);
        setList((l) => l.filter((x) => x.id !== inv.id));
      }
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
      read();
    } finally {
      setAnswering(null);
    }
  };

  if (list.length === 0) return null;
  return (
    <div className="home-invited">
      <Section title={t('invited.title')} id="invited">
        <ul className="invited">
          {list.map((inv) => (
            <li key={inv.id} className="invited__item" data-invitation={inv.workspace_name}>
              <div className="invited__what">
                <p>{invitedText(t, inv.inviter_name, inv.workspace_name)}</p>
                <p className="muted">
                  <Tag>{t(`role.${inv.role}`)}</Tag>{' '}
                  {t('invited.until', { date: date(inv.expires_at) })}
                </p>
              </div>
              <div className="invited__actions">
                <Button
                  variant="ghost"
                  busy={answering?.id === inv.id && !answering.join}
                  disabled={answering !== null}
                  onClick={() => void answer(inv, false)}
                  aria-label={t('invited.decline_named', { workspace: inv.workspace_name })}
                >
                  {t('invited.decline')}
                </Button>
                <Button
                  variant="primary"
                  busy={answering?.id === inv.id && answering.join}
                  disabled={answering !== null}
                  onClick={() => void answer(inv, true)}
                  aria-label={t('invited.join_named', { workspace: inv.workspace_name })}
                >
                  {t('invited.join')}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
