// Invite by email (an internal colleague, found by name in the directory,
// or an external guest), copy the link, see pending invitations and revoke
// them; the answered ones after them, a page at a time.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  WORKSPACE_ROLES,
  api,
  type CreatedInvitation,
  type Invitation,
  type Member,
  type Workspace,
  type WorkspaceRole,
} from '../../api';
import { Button } from '../../components/Button';
import { ReadMore } from '../../components/ShowMore';
import { CopyButton } from '../../components/CopyButton';
import { Alert, Tag } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { Table } from '../../components/Table';
import { useEvent } from '../../events';
import { useI18n, type MessageKey } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { useAsync } from '../../util/useAsync';
import { InviteeField } from './InviteeField';
import { readInvitations, type FetchInvitations } from './invitationPages';

const EXPIRY_DAYS = [1, 7, 14, 30, 90] as const;
/** Invitations shown at first, and added by "Show more". */
const INVITATION_PAGE = 100;

/** The link to send, on this origin (the server's public URL may differ behind a proxy). */
export function invitationLink(token: string, origin = window.location.origin): string {
  return `${origin}/invite/${encodeURIComponent(token)}`;
}

export function InvitationsSection({
  w,
  members,
  directory,
}: {
  w: Workspace;
  /** Who is in already (not offered again). */
  members: readonly Member[];
  /** Whether the person may read the instance's directory (internal accounts). */
  directory: boolean;
}) {
  const { t, date } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const fetchPage: FetchInvitations = (q) => api.workspaces.invitations(w.id, q);
  const shown = useRef(0);
  // Read again from the start, as many as were shown (an event, a change).
  const list = useAsync(
    () => readInvitations(fetchPage, null, Math.max(INVITATION_PAGE, shown.current)),
    [w.id],
  );
  const count = list.data?.items.length ?? 0;
  useEffect(() => {
    shown.current = count;
  }, [count]);
  const [loadingMore, setLoadingMore] = useState(false);
  const more = async () => {
    if (!list.data?.next) return;
    setLoadingMore(true);
    try {
      const from = list.data;
      const read = await readInvitations(fetchPage, from, INVITATION_PAGE);
      list.setData((now) => (now === from ? read : now));
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    } finally {
      setLoadingMore(false);
    }
  };
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const [days, setDays] = useState<string>('');
  const [until, setUntil] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInvitation[]>([]);
  const roles = w.role === 'owner' ? WORKSPACE_ROLES : WORKSPACE_ROLES.filter((r) => r !== 'owner');

  useEvent('invitation.*', (e) => {
    if (e.workspace_id === w.id) void list.reload();
  });
  useEvent('member.added', (e) => {
    if (e.workspace_id === w.id) void list.reload();
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const inv = await api.workspaces.invite(w.id, {
        email: email.trim(),
        role,
        ...(days
          ? { expires_at: new Date(Date.now() + Number(days) * 86_400_000).toISOString() }
          : {}),
        ...(until ? { membership_expires_at: new Date(`${until}T23:59:59`).toISOString() } : {}),
      });
      setCreated((c) => [inv, ...c]);
      setEmail('');
      setUntil('');
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (inv: Invitation) => {
    try {
      await api.workspaces.revokeInvitation(w.id, inv.id);
      setCreated((c) => c.filter((x) => x.id !== inv.id));
      void list.reload();
      toast({ kind: 'success', title: t('invitations.revoked', { email: inv.email }) });
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    }
  };

  const linkOf = (id: string) => {
    const c = created.find((x) => x.id === id);
    return c ? invitationLink(c.token) : null;
  };
  const invitations = list.data?.items ?? [];

  return (
    <Section title={t('invitations.title')} description={t('invitations.lead')} id="invitations">
      {w.archived ? null : (
        <form className="form invite-form" onSubmit={submit} noValidate>
          {error ? <Alert kind="error">{error}</Alert> : null}
          <div className="form__row">
            <InviteeField
              value={email}
              onChange={setEmail}
              members={members}
              directory={directory}
            />
            <SelectField
              label={t('settings.role')}
              value={role}
              onChange={(e) => setRole(e.target.value as WorkspaceRole)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('invitations.valid_for')}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            >
              <option value="">{t('invitations.default_validity')}</option>
              {EXPIRY_DAYS.map((d) => (
                <option key={d} value={String(d)}>
                  {t('invitations.days', { count: d })}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t('invitations.access_until')}
              hint={t('common.optional')}
              type="date"
              value={until}
              onChange={(e) => setUntil(e.target.value)}
            />
          </div>
          <div className="form__actions">
            <Button
              type="submit"
              variant="primary"
              icon="mail"
              busy={busy}
              disabled={!email.trim()}
            >
              {t('invitations.send')}
            </Button>
          </div>
        </form>
      )}
      {created.slice(0, 1).map((c) => (
        <div key={c.id} className="invite-created" role="status">
          <p>
            {c.emailed
              ? t('invitations.created_emailed', { email: c.email })
              : t('invitations.created', { email: c.email })}
          </p>
          <div className="invite-created__link">
            <code data-testid="invitation-link">{invitationLink(c.token)}</code>
            <CopyButton text={invitationLink(c.token)} label={t('invitations.copy_link')} />
          </div>
        </div>
      ))}
      {invitations.length === 0 ? (
        <p className="muted">{t('invitations.none')}</p>
      ) : (
        <Table
          caption={t('invitations.title')}
          columns={[
            t('field.email'),
            t('settings.role'),
            t('invitations.status'),
            t('invitations.expires'),
          ]}
          actions="hidden"
        >
          {invitations.map((inv) => {
            const link = linkOf(inv.id);
            return (
              <tr key={inv.id} data-invitation={inv.email}>
                <th scope="row">{inv.email}</th>
                <td>{t(`role.${inv.role}` as MessageKey)}</td>
                <td>
                  <Tag
                    tone={
                      inv.status === 'pending'
                        ? 'accent'
                        : inv.status === 'accepted'
                          ? 'success'
                          : 'neutral'
                    }
                  >
                    {t(statusKey(inv.status))}
                  </Tag>
                </td>
                <td>{date(inv.expires_at)}</td>
                <td className="table__actions">
                  {inv.status === 'pending' && link ? (
                    <CopyButton text={link} label={t('invitations.copy_link')} />
                  ) : null}
                  {inv.status === 'pending' ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => void revoke(inv)}
                      aria-label={t('invitations.revoke_named', { email: inv.email })}
                    >
                      {t('invitations.revoke')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {list.data?.next ? (
        <ReadMore label={t('invitations.more')} busy={loadingMore} onMore={() => void more()} />
      ) : null}
    </Section>
  );
}

function statusKey(s: string): MessageKey {
  switch (s) {
    case 'pending':
      return 'invitations.status_pending';
    case 'accepted':
      return 'invitations.status_accepted';
    case 'revoked':
      return 'invitations.status_revoked';
    case 'declined':
      return 'invitations.status_declined';
    case 'expired':
      return 'invitations.status_expired';
    default:
      return 'invitations.status_other';
  }
}
