// /w/{id}/settings, for the workspace's owners and admins: general,
// modules, members and their rights, invitations, export, archive and delete.
import { useCallback } from 'react';
import { api, type Member, type Workspace } from '../../api';
import { Alert, Spinner } from '../../components/Feedback';
import { useEvent } from '../../events';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { canManage } from '../../layout/Sidebar';
import { Link } from '../../router/router';
import { useMe } from '../../session';
import { useAsync } from '../../util/useAsync';
import { useWorkspaces } from '../../workspaces';
import { memberDirectory, useMembers } from '../../workspaces/members';
import type { PageProps } from '../../app/routes';
import NotFoundPage from '../NotFoundPage';
import { DangerZone } from './DangerZone';
import { ExportSection } from './ExportSection';
import { GeneralSection } from './GeneralSection';
import { InvitationsSection } from './InvitationsSection';
import { MembersSection } from './MembersSection';

export default function WorkspaceSettingsPage({ params }: PageProps) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const me = useMe();
  const { upsert } = useWorkspaces();
  const state = useAsync<Workspace>(() => api.workspaces.get(id), [id]);
  const members = useMembers(id);
  const { setData, reload } = state;

  const onWorkspace = useCallback(
    (w: Workspace) => {
      setData((prev) => (prev ? { ...prev, ...w } : prev));
      upsert(w);
    },
    [setData, upsert],
  );
  const onMembers = useCallback(
    (change: Member | { removed: string }) => memberDirectory().answered(id, change),
    [id],
  );

  // This person's role may have changed: what they may manage with it.
  useEvent('member.*', (e) => {
    if (e.workspace_id === id && e.data?.user_id === me.id) void reload();
  });

  if ((state.loading && !state.data) || members === undefined)
    return <Spinner label={t('common.loading')} />;
  if (!state.data || members === null) return <NotFoundPage />;
  const w = state.data;
  if (!canManage(w)) {
    return (
      <Page title={t('settings.title')} subtitle={w.name}>
        <Alert kind="info">{t('settings.not_allowed')}</Alert>
      </Page>
    );
  }
  return (
    <Page
      title={t('settings.title')}
      subtitle={
        <Link to={`/w/${w.id}`} className="link-muted">
          {w.name}
        </Link>
      }
    >
      {w.archived ? <Alert kind="info">{t('ws.archived_notice')}</Alert> : null}
      <GeneralSection w={w} onSaved={onWorkspace} />
      <MembersSection w={w} members={members} meId={me.id} onChange={onMembers} />
      <InvitationsSection w={w} members={members} directory={me.role !== 'guest'} />
      <ExportSection w={w} />
      {w.role === 'owner' ? <DangerZone w={w} onSaved={onWorkspace} /> : null}
    </Page>
  );
}
