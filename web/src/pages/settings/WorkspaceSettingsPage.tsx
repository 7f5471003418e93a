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
import type { PageProps } from '../../app/routes';
import NotFoundPage from '../NotFoundPage';
import { DangerZone } from './DangerZone';
import { ExportSection } from './ExportSection';
import { GeneralSection } from './GeneralSection';
import { InvitationsSection } from './InvitationsSection';
import { MembersSection } from './MembersSection';

interface SettingsData {
  workspace: Workspace;
  members: Member[];
}

export default function WorkspaceSettingsPage({ params }: PageProps) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const me = useMe();
  const { upsert } = useWorkspaces();
  const state = useAsync<SettingsData>(async () => {
    const [workspace, members] = await Promise.all([
      api.workspaces.get(id),
      api.workspaces.members(id),
    ]);
    return { workspace, members };
  }, [id]);
  const { setData, reload } = state;

  const onWorkspace = useCallback(
    (w: Workspace) => {
      setData((prev) => (prev ? { ...prev, workspace: { ...prev.workspace, ...w } } : prev));
      upsert(w);
    },
    [setData, upsert],
  );
  const onMembers = useCallback(
    (update: (m: Member[]) => Member[]) =>
      setData((prev) => (prev ? { ...prev, members: update(prev.members) } : prev)),
    [setData],
  );

  useEvent('member.*', (e) => {
    if (e.workspace_id === id) void reload();
  });

  if (state.loading && !state.data) return <Spinner label={t('common.loading')} />;
  if (!state.data) return <NotFoundPage />;
  const { workspace: w, members } = state.data;
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
      <InvitationsSection w={w} />
      <ExportSection w={w} />
      {w.role === 'owner' ? <DangerZone w={w} onSaved={onWorkspace} /> : null}
    </Page>
  );
}
